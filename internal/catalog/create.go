package catalog

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
)

// NewItem is a request to create an item as integrators send it (the API):
// the department by name, defaults taken from the column and the site, and
// optionally publication at once.
type NewItem struct {
	Input
	// Department names the drafting department by name or abbreviation;
	// it replaces Input.DepartmentID when set. Editors default to their own.
	Department string
	// Publish publishes the item at once (the office only). The ledger
	// records create, submit and publish, in the same transaction.
	Publish bool
	// key is the request's idempotency key (CreateItemOnce), recorded in
	// the creating transaction.
	key *idemKey
}

// CreateItem creates an item and, when asked, publishes it: one call, one
// transaction, so a failure at any step leaves nothing behind. A column
// holding one document type needs no DocType; the publisher defaults to the
// site's name.
func (s *Service) CreateItem(ctx context.Context, actor *auth.User, siteID int64, req NewItem) (*Item, error) {
	return s.CreateItemWith(ctx, actor, siteID, req, nil)
}

// CreateItemWith is CreateItem that also runs with, when not nil, in the
// creating transaction with the new item's id, after the item is written
// (and published, when asked): a capability that keeps its own rows beside
// the item (internal/consult) saves both or neither.
func (s *Service) CreateItemWith(ctx context.Context, actor *auth.User, siteID int64, req NewItem, with func(tx *sql.Tx, id int64) error) (*Item, error) {
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "请先登录")
	}
	if req.Publish && !actor.CanPublish() {
		return nil, &errs.Error{Code: errs.Forbidden, Message: "您无权发布信息；去掉 publish 可保存为草稿", Fields: map[string]string{"publish": "只有政务公开办公室可以发布信息"}}
	}
	if req.Publish && req.Disclosure != "" && req.Disclosure != "proactive" {
		return nil, &errs.Error{Code: errs.Invalid, Message: "只有主动公开（proactive）的信息可以发布",
			Fields: map[string]string{"publish": "依申请公开或不予公开的信息不能发布；去掉 publish 可保存为草稿"}}
	}
	in := req.Input
	// Sizes and counts first, before any lookup (issue 16 #4): an
	// oversized request is refused without touching the database.
	if err := checkLimits(&in); err != nil {
		return nil, err
	}
	if !CleanText(req.Department) || len(req.Department) > 200 {
		return nil, &errs.Error{Code: errs.Invalid, Message: "科室不存在", Fields: map[string]string{"department": "科室名称无效"}}
	}
	// The defaults are read on the read pool, before the transaction:
	// checkRefs checks the column and department again inside it.
	if in.DocType == "" {
		var types string
		err := s.DB.R.QueryRowContext(ctx, `SELECT doc_types FROM columns WHERE id = $1 AND site_id = $2 AND kind = $3`, in.ColumnID, siteID, KindList).Scan(&types)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, errs.Wrap(err, "column types")
		}
		if c := (&Column{DocTypes: splitTypes(types)}); len(c.DocTypes) == 1 {
			in.DocType = c.DocTypes[0]
		}
	}
	if in.Publisher == "" {
		if err := s.DB.R.QueryRowContext(ctx, `SELECT name FROM sites WHERE id = $1`, siteID).Scan(&in.Publisher); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return nil, ErrNoSite
			}
			return nil, errs.Wrap(err, "site name")
		}
	}
	if req.Department != "" {
		err := s.DB.R.QueryRowContext(ctx, `SELECT id FROM departments WHERE site_id = $1 AND (name = $2 OR abbr = $2) ORDER BY id LIMIT 1`,
			siteID, req.Department).Scan(&in.DepartmentID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, &errs.Error{Code: errs.Invalid, Message: "科室不存在", Fields: map[string]string{"department": "科室不存在"}}
		}
		if err != nil {
			return nil, errs.Wrap(err, "department")
		}
	}
	c, err := s.prepare(&in)
	if err != nil {
		return nil, err
	}
	var id int64
	published := false
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		// The audit entries are written last, next to the event and the
		// commit (auth.BufferAudit): the audit chain's lock is then held
		// for those writes, not from the INSERT through the review steps.
		ctx, audits := auth.BufferAudit(ctx, tx)
		var err error
		if id, err = s.createTx(ctx, tx, actor, siteID, in, c); err != nil {
			return err
		}
		if err := s.keepKey(ctx, tx, actor, req.key, id); err != nil {
			return err
		}
		if req.Publish {
			// Publishing needs the review steps; the office takes them at once.
			if _, err := s.transitionTx(ctx, tx, actor, siteID, id, step{act: ActSubmit, next: StatusSubmitted}); err != nil {
				return err
			}
			if published, err = s.transitionTx(ctx, tx, actor, siteID, id, s.publishStep(ctx, actor, ActPublish)); err != nil {
				return err
			}
		}
		// Before with's own writes (which audit at once), in the order made.
		if err := audits.Flush(ctx, s.DB.Dialect); err != nil {
			return err
		}
		if with != nil {
			return with(tx, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if published {
		s.Bus.Committed(ctx)
	}
	return s.Item(ctx, siteID, id)
}

func splitTypes(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
