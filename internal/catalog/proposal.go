package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// Proposal statuses. An open proposal (submitted, returned, approved) is
// at most one per item; published and discarded ones are closed.
const (
	ProposalSubmitted = "submitted"
	ProposalReturned  = "returned"
	ProposalApproved  = "approved"
	ProposalPublished = "published"
)

// ProposalLabels are the Chinese names of proposal statuses.
var ProposalLabels = map[string]string{ProposalSubmitted: "修改待审核", ProposalReturned: "修改已退回", ProposalApproved: "修改审核通过，待发布",
	ProposalPublished: "修改已发布"}

// Proposal is a proposed change to a published item (issue 15): a
// department's editor proposes the item's next revision; it is reviewed
// while the published version stays online, and the office publishes it.
type Proposal struct {
	ID          int64
	ItemID      int64
	Status      string
	Input       Input
	ChangeNote  string
	BaseVersion int
	Version     int
	// Comment is the reviewer's last return comment.
	Comment     string
	CreatedName string
	CreatedAt   string
	UpdatedAt   string
}

// Open reports whether the proposal still waits for someone.
func (p *Proposal) Open() bool {
	return p.Status == ProposalSubmitted || p.Status == ProposalReturned || p.Status == ProposalApproved
}

const proposalCols = `id, item_id, status, input, change_note, base_version, version, comment, created_name, created_at, updated_at`

func scanProposal(row interface{ Scan(...any) error }) (*Proposal, error) {
	var p Proposal
	var in string
	if err := row.Scan(&p.ID, &p.ItemID, &p.Status, &in, &p.ChangeNote, &p.BaseVersion, &p.Version, &p.Comment, &p.CreatedName, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(in), &p.Input); err != nil {
		return nil, fmt.Errorf("proposal %d input: %w", p.ID, err)
	}
	return &p, nil
}

// OpenProposal returns the item's open proposal, or nil.
func (s *Service) OpenProposal(ctx context.Context, siteID, itemID int64) (*Proposal, error) {
	return s.openProposal(ctx, s.DB.R, siteID, itemID)
}

func (s *Service) openProposal(ctx context.Context, q querier, siteID, itemID int64) (*Proposal, error) {
	p, err := scanProposal(q.QueryRowContext(ctx, `SELECT `+proposalCols+` FROM item_proposals WHERE site_id = $1 AND item_id = $2
		AND status IN ('submitted', 'returned', 'approved')`, siteID, itemID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, errs.Wrap(err, "proposal")
	}
	return p, nil
}

// Proposal steps for ProposalActions and the checks of each step.
type ProposalActions struct {
	Propose, Review, Approve, Publish bool
}

// ProposalActionsOf says what u may do about it's proposed change (p, nil
// when there is none).
func ProposalActionsOf(u *auth.User, it *Item, p *Proposal) ProposalActions {
	if u == nil || !u.ServesSite(it.SiteID) || it.Status != StatusPublished {
		return ProposalActions{}
	}
	var a ProposalActions
	a.Propose = u.Role == auth.Editor && u.CanEditDepartment(it.DepartmentID) && (p == nil || p.Status != ProposalApproved)
	if p != nil {
		a.Review = u.CanReviewDepartment(it.DepartmentID) && (p.Status == ProposalSubmitted || p.Status == ProposalApproved)
		a.Approve = a.Review && p.Status == ProposalSubmitted
		a.Publish = u.CanPublish() && (p.Status == ProposalSubmitted || p.Status == ProposalApproved)
	}
	return a
}

// Propose records (or replaces) the open proposal of a published item:
// the change in goes to review and the published version stays online.
// Only the item's department's editors propose; the office revises directly.
func (s *Service) Propose(ctx context.Context, actor *auth.User, siteID, itemID int64, in Input) (*Proposal, error) {
	c, err := s.prepare(&in)
	if err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		it, err := s.item(ctx, tx, siteID, itemID)
		if err != nil {
			return err
		}
		open, err := s.openProposal(ctx, tx, siteID, itemID)
		if err != nil {
			return err
		}
		if actor == nil || !actor.ServesSite(siteID) || !actor.CanEditDepartment(it.DepartmentID) {
			return errs.E(errs.Forbidden, "只能对本科室已发布的信息提出修改")
		}
		if actor.Role != auth.Editor {
			return errs.E(errs.Forbidden, "政务公开办公室可直接修改已发布的信息")
		}
		if it.Status != StatusPublished {
			return errs.E(errs.Conflict, "信息当前状态为“%s”，只能对已发布的信息提出修改", StatusLabels[it.Status])
		}
		if open != nil && open.Status == ProposalApproved {
			return errs.E(errs.Conflict, "上一次提出的修改已审核通过，正等待发布，发布后才能再次提出修改")
		}
		if open != nil && in.Version != open.Version {
			return errs.E(errs.Conflict, "该修改提议已被他人改动（当前第 %d 稿），请重新打开后再修改", open.Version)
		}
		in.DepartmentID, in.IndexNo = it.DepartmentID, it.IndexNo
		if err := s.checkRefs(ctx, tx, siteID, &in, c); err != nil {
			return err
		}
		if in.Disclosure != "proactive" {
			return errs.E(errs.Invalid, "已发布的信息不能改为依申请公开或不予公开；如需下线请联系政务公开办公室撤回")
		}
		if in.ChangeNote == "" {
			return &errs.Error{Code: errs.Invalid, Message: "提出修改须填写修改说明", Fields: map[string]string{"change_note": "请填写修改说明（发布后显示在历史版本中）"}}
		}
		if utf8.RuneCountInString(in.ChangeNote) > 200 {
			return &errs.Error{Code: errs.Invalid, Message: "修改说明不能超过 200 个字", Fields: map[string]string{"change_note": "修改说明不能超过 200 个字"}}
		}
		if in.PublishedOn == "" {
			in.PublishedOn = it.PublishedOn
		}
		in.Version = 0
		body, _ := json.Marshal(in)
		now := store.Now()
		if open == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO item_proposals (site_id, item_id, status, input, change_note, base_version, created_by, created_name, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`, siteID, itemID, ProposalSubmitted, string(body), in.ChangeNote, it.Version, actor.ID, actor.Label(), now)
			if store.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, "该信息已有一项修改提议，请刷新后再试")
			}
		} else {
			var res sql.Result
			res, err = tx.ExecContext(ctx, `UPDATE item_proposals SET status = $1, input = $2, change_note = $3, base_version = $4, version = version + 1, updated_at = $5
				WHERE id = $6 AND version = $7`, ProposalSubmitted, string(body), in.ChangeNote, it.Version, now, open.ID, open.Version)
			if err == nil {
				if n, _ := res.RowsAffected(); n == 0 {
					return errs.E(errs.Conflict, "该修改提议刚被他人处理，请刷新后再试")
				}
			}
		}
		if err != nil {
			return errs.Wrap(err, "proposal")
		}
		if err := addEvent(ctx, tx, itemID, actor, "propose", in.ChangeNote); err != nil {
			return err
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "item.propose", Target: fmt.Sprintf("item:%d", itemID),
			Before: auditView(inputOf(it, nil)), After: auditView(&in)})
	})
	if err != nil {
		return nil, err
	}
	return s.OpenProposal(ctx, siteID, itemID)
}

// proposalStep moves the open proposal of an item from one of from to
// next, after may (the actor's permission) passed; the ledger and the
// audit log record it.
func (s *Service) proposalStep(ctx context.Context, actor *auth.User, siteID, itemID int64, action, next, comment string, from []string,
	may func(*Item) bool, refusal string) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		it, err := s.item(ctx, tx, siteID, itemID)
		if err != nil {
			return err
		}
		p, err := s.openProposal(ctx, tx, siteID, itemID)
		if err != nil {
			return err
		}
		if actor == nil || !actor.ServesSite(siteID) || !may(it) {
			return errs.E(errs.Forbidden, "%s", refusal)
		}
		if p == nil || !has(from, p.Status) {
			return errs.E(errs.Conflict, "该信息没有可%s的修改提议", EventLabels[action])
		}
		res, err := tx.ExecContext(ctx, `UPDATE item_proposals SET status = $1, comment = $2, version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5`,
			next, comment, store.Now(), p.ID, p.Version)
		if err != nil {
			return errs.Wrap(err, "proposal")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "该修改提议刚被他人处理，请刷新后再试")
		}
		if err := addEvent(ctx, tx, itemID, actor, action, comment); err != nil {
			return err
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "item." + action, Target: fmt.Sprintf("item:%d", itemID),
			Before: map[string]any{"proposal": p.ID, "status": p.Status}, After: map[string]any{"status": next, "comment": comment}})
	})
}

// ApproveProposal records a reviewer's approval of the proposed change.
func (s *Service) ApproveProposal(ctx context.Context, actor *auth.User, siteID, itemID int64, comment string) error {
	return s.proposalStep(ctx, actor, siteID, itemID, "propose_approve", ProposalApproved, strings.TrimSpace(comment), []string{ProposalSubmitted},
		func(it *Item) bool { return actor.CanReviewDepartment(it.DepartmentID) }, "您无权审核该科室的信息")
}

// ReturnProposal sends the proposed change back to its department with a comment.
func (s *Service) ReturnProposal(ctx context.Context, actor *auth.User, siteID, itemID int64, comment string) error {
	comment, err := returnComment(comment)
	if err != nil {
		return err
	}
	return s.proposalStep(ctx, actor, siteID, itemID, "propose_return", ProposalReturned, comment, []string{ProposalSubmitted, ProposalApproved},
		func(it *Item) bool { return actor.CanReviewDepartment(it.DepartmentID) }, "您无权审核该科室的信息")
}

// PublishProposal applies the proposed change as the item's next revision
// (the office): the ledger records it as a revision with the proposal's
// change note, and a proposal no reviewer approved as a skipped review.
func (s *Service) PublishProposal(ctx context.Context, actor *auth.User, siteID, itemID int64) (*Item, error) {
	if actor == nil || !actor.CanPublish() {
		return nil, errs.E(errs.Forbidden, "只有政务公开办公室可以发布信息")
	}
	p, err := s.OpenProposal(ctx, siteID, itemID)
	if err != nil {
		return nil, err
	}
	if p == nil || (p.Status != ProposalSubmitted && p.Status != ProposalApproved) {
		return nil, errs.E(errs.Conflict, "该信息没有待发布的修改提议")
	}
	in := p.Input
	in.ChangeNote = p.ChangeNote
	c, err := s.prepare(&in)
	if err != nil {
		return nil, err
	}
	var live bool
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		it, err := s.item(ctx, tx, siteID, itemID)
		if err != nil {
			return err
		}
		if it.Version != p.BaseVersion {
			return errs.E(errs.Conflict, "提出修改后该信息已被修改（第 %d 版，提议基于第 %d 版）；请退回起草科室按当前版本重新提出", it.Version, p.BaseVersion)
		}
		res, err := tx.ExecContext(ctx, `UPDATE item_proposals SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4`,
			ProposalPublished, store.Now(), p.ID, p.Version)
		if err != nil {
			return errs.Wrap(err, "proposal")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "该修改提议刚被他人处理，请刷新后再试")
		}
		note := "发布" + p.CreatedName + "提出的修改"
		if p.Status == ProposalSubmitted {
			note += "；" + SkippedReview
		}
		if err := addEvent(ctx, tx, itemID, actor, "propose_publish", note); err != nil {
			return err
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "item.propose_publish", Target: fmt.Sprintf("item:%d", itemID),
			Before: map[string]any{"proposal": p.ID, "status": p.Status}, After: map[string]any{"status": ProposalPublished, "reviewed": p.Status == ProposalApproved}}); err != nil {
			return err
		}
		in.Version = it.Version
		// The revision itself (snapshot, ledger, audit, change event last).
		live, err = s.updateTx(ctx, tx, actor, siteID, itemID, in, c, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	if live {
		s.Bus.Committed(ctx)
	}
	return s.Item(ctx, siteID, itemID)
}

// Republish restores a withdrawn item to the site (the office), with the
// index number it had; the ledger and the audit log record the restoration
// with its reason.
func (s *Service) Republish(ctx context.Context, actor *auth.User, siteID, id int64, comment string) (*Item, error) {
	if actor == nil {
		return nil, errs.E(errs.Forbidden, "只有政务公开办公室可以重新发布已撤回的信息")
	}
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > 500 {
		return nil, &errs.Error{Code: errs.Invalid, Message: "恢复说明不能超过 500 个字", Fields: map[string]string{"comment": "恢复说明不能超过 500 个字"}}
	}
	st := s.publishStep(ctx, actor, ActRepublish)
	st.comment = strings.TrimPrefix("恢复公开，沿用原索引号；"+comment, "；")
	st.comment = strings.TrimSuffix(st.comment, "；")
	return s.transition(ctx, actor, siteID, id, st)
}

// QueuedProposal is an open proposal in a workbench queue.
type QueuedProposal struct {
	ItemID      int64
	Title       string
	Department  string
	Status      string
	CreatedName string
	UpdatedAt   string
}

// ProposalQueue lists a site's open proposals in the given statuses, of
// one department (0: all), oldest first: what waits for a reviewer, the
// office or the proposing editor.
func (s *Service) ProposalQueue(ctx context.Context, siteID, departmentID int64, statuses []string, limit int) ([]QueuedProposal, error) {
	args := []any{siteID, departmentID, limit}
	ph := make([]string, len(statuses))
	for i, st := range statuses {
		args = append(args, st)
		ph[i] = fmt.Sprintf("$%d", i+4)
	}
	if len(ph) == 0 {
		return nil, nil
	}
	q := `SELECT p.item_id, i.title, COALESCE(d.name, ''), p.status, p.created_name, p.updated_at
		FROM item_proposals p JOIN items i ON i.id = p.item_id LEFT JOIN departments d ON d.id = i.department_id
		WHERE p.site_id = $1 AND ($2 = 0 OR i.department_id = $2) AND p.status IN (` + strings.Join(ph, ", ") + `)
		ORDER BY p.updated_at, p.id LIMIT $3`
	if departmentID == 0 {
		// The whole site's queue: its first rows from the queue's index
		// alone, then their items (issue 17: PostgreSQL read the item of
		// each of 430 open proposals at 100,000 items, 47 ms cold, to keep
		// 20). Every proposal has its item (a foreign key).
		q = `SELECT p.item_id, i.title, COALESCE(d.name, ''), p.status, p.created_name, p.updated_at
		FROM (SELECT id, item_id, status, created_name, updated_at FROM item_proposals
			WHERE site_id = $1 AND $2 = 0 AND status IN (` + strings.Join(ph, ", ") + `) ORDER BY updated_at, id LIMIT $3) p
		JOIN items i ON i.id = p.item_id LEFT JOIN departments d ON d.id = i.department_id
		ORDER BY p.updated_at, p.id`
	}
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, errs.Wrap(err, "proposal queue")
	}
	defer rows.Close()
	var out []QueuedProposal
	for rows.Next() {
		var q QueuedProposal
		if err := rows.Scan(&q.ItemID, &q.Title, &q.Department, &q.Status, &q.CreatedName, &q.UpdatedAt); err != nil {
			return nil, errs.Wrap(err, "proposal queue")
		}
		out = append(out, q)
	}
	return out, rows.Err()
}
