// Package app wires the services and the HTTP features into one
// application: what `gongkai serve` runs and what the end-to-end tests
// drive. Each capability adds its service here and mounts its feature; the
// background jobs that keep the site current live in jobs.go.
package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"

	"gongkai/internal/annual"
	"gongkai/internal/annual/export"
	"gongkai/internal/auth"
	"gongkai/internal/blob"
	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calver"
	"gongkai/internal/catalog"
	"gongkai/internal/compliance"
	"gongkai/internal/consult"
	"gongkai/internal/deadline"
	"gongkai/internal/demo"
	"gongkai/internal/events"
	"gongkai/internal/execution"
	"gongkai/internal/finance"
	"gongkai/internal/inspect"
	"gongkai/internal/interact"
	"gongkai/internal/interact/live"
	"gongkai/internal/lists"
	"gongkai/internal/lists/enforce"
	"gongkai/internal/mail"
	"gongkai/internal/practice"
	"gongkai/internal/request"
	"gongkai/internal/search"
	"gongkai/internal/secure"
	"gongkai/internal/store"
	"gongkai/internal/web"
	webannual "gongkai/internal/web/annual"
	"gongkai/internal/web/catalogue"
	webconsult "gongkai/internal/web/consult"
	webenforce "gongkai/internal/web/enforce"
	webexecution "gongkai/internal/web/execution"
	webfinance "gongkai/internal/web/finance"
	webinspect "gongkai/internal/web/inspect"
	webinteract "gongkai/internal/web/interact"
	weblive "gongkai/internal/web/interact/live"
	weblists "gongkai/internal/web/lists"
	webpractice "gongkai/internal/web/practice"
	webrequest "gongkai/internal/web/request"
	websearch "gongkai/internal/web/search"
	"gongkai/internal/web/selfcheck"
	"gongkai/internal/web/siteadmin"
)

// App is the wired application.
type App struct {
	Log        *slog.Logger
	Catalog    *catalog.Service
	Auth       *auth.Service
	Blobs      *blob.Store
	Calendar   *calver.Versions
	Deadlines  *deadline.Service
	Compliance *compliance.Service
	// Search is the site search over the database's back end.
	Search *search.Service
	// Requests is disclosure on request (依申请公开); its Sealer is set
	// from configuration with SetDataKey.
	Requests *request.Service
	// Lists are the structured lists (权责清单 …, issue 12).
	Lists *lists.Service
	// Consult is public participation (issue 10): consultations,
	// the major-decision catalogue, meetings.
	Consult *consult.Service
	// Messages are the messages of 政民互动 (留言, issue 11); their Sealer
	// is set with SetDataKey.
	Messages *interact.Service
	// Enforce is the enforcement publicity beyond the lists (issue 12:
	// decision deadlines, yearly figures, certificate lookup).
	Enforce *enforce.Service
	// Inspect is 双随机、一公开 (plans, verifiable draws, results; issue 12).
	Inspect *inspect.Service
	// Execution: 重要部署执行公开 and 建议提案办理 (list kinds, overviews, checks).
	Execution *execution.Service
	// Annual is the 政府信息公开工作年度报告 (issue 14).
	Annual *annual.Service
	// Finance is 财政信息 (budgets and final accounts; procurement kinds are
	// list kinds; issue 13, seed task 7).
	Finance *finance.Service
	// Practice is 经验报送 (good-practice submissions; issue 13, seed task 11).
	Practice *practice.Service
	// Web is the HTTP kit with every feature mounted.
	Web *web.Server
	// Mail delivers the e-mail outbox (nil: mail is off; notices wait).
	Mail *mail.Outbox
	// Live is interviews, open days and new media (issue 11); LiveHub
	// feeds the interviews' live pages.
	Live    *live.Service
	LiveHub *live.Hub
	// LiveWeb serves them; its MaxStreams and MaxStreamsPerAddr bound the
	// interviews' open event streams.
	LiveWeb *weblive.Feature

	handler http.Handler
	// node names this process as the holder of the jobs lease (jobs.go).
	node string
}

// New builds the services over the catalogue's database and mounts every
// feature on the HTTP kit.
func New(cat *catalog.Service, au *auth.Service, blobs *blob.Store, log *slog.Logger, opts web.Options) (*App, error) {
	a := &App{Log: log, Catalog: cat, Auth: au, Blobs: blobs, node: newNodeID()}
	a.Calendar = &calver.Versions{DB: cat.DB}
	if cat.Today == nil {
		cat.Today = opts.Today
	}
	a.Deadlines = &deadline.Service{DB: cat.DB, Catalog: cat, Calendar: a.Calendar, Today: opts.Today}
	a.Compliance = &compliance.Service{DB: cat.DB, Catalog: cat, Deadlines: a.Deadlines, Log: log}
	if cat.Bus == nil {
		cat.Bus = events.NewBus(cat.DB, log)
	}
	a.Search = NewSearch(cat, log)
	a.Lists = &lists.Service{DB: cat.DB, Catalog: cat, Today: opts.Today}
	a.Search.Register(a.Lists.SearchSource())
	a.Compliance.Checks = append(a.Compliance.Checks, a.Lists.Check())
	a.Messages = &interact.Service{DB: cat.DB, Calendar: a.Calendar, Today: opts.Today, Committed: cat.Bus.Committed}
	a.Search.Register(a.Messages.SearchSource())
	a.Compliance.Checks = append(a.Compliance.Checks, interact.Check{Service: a.Messages})
	a.Live = &live.Service{DB: cat.DB, Today: opts.Today, Committed: cat.Bus.Committed}
	a.LiveHub = &live.Hub{Service: a.Live, Log: log}
	a.Search.Register(a.Live.SearchSource())
	a.Compliance.Checks = append(a.Compliance.Checks, a.Live.Check())
	a.Enforce = &enforce.Service{Lists: a.Lists}
	a.Compliance.Checks = append(a.Compliance.Checks, a.Enforce.Check())
	a.Inspect = &inspect.Service{DB: cat.DB, Catalog: cat, Lists: a.Lists, Calendar: a.Calendar, Today: opts.Today}
	a.Compliance.Checks = append(a.Compliance.Checks, a.Inspect.Check())
	a.Search.Register(a.Inspect.SearchSource())
	a.Execution = &execution.Service{Lists: a.Lists}
	a.Compliance.Checks = append(a.Compliance.Checks, a.Execution.Check())
	a.Deadlines.Sources = append(a.Deadlines.Sources, a.Execution.DeadlineSource())
	a.Finance = &finance.Service{DB: cat.DB, Catalog: cat, Lists: a.Lists, Today: opts.Today}
	a.Compliance.Checks = append(a.Compliance.Checks, a.Finance.Check())
	a.Practice = &practice.Service{DB: cat.DB, Catalog: cat, Today: opts.Today}
	if a.Blobs != nil {
		a.Practice.Blobs = practice.StoreBlobs(a.Blobs)
	}
	a.Search.Today = opts.Today
	a.Search.Subscribe(cat.Bus)
	a.Requests = &request.Service{DB: cat.DB, Calendar: a.Calendar, Rules: request.DefaultRules, Today: opts.Today}
	a.Compliance.Checks = append(a.Compliance.Checks, request.DeadlineCheck{Service: a.Requests})
	a.Annual = &annual.Service{DB: cat.DB, Catalog: cat, Requests: a.Requests, Enforce: a.Enforce}
	cat.PublishGuards = append(cat.PublishGuards, a.Annual.PublishGuard)
	a.Consult = &consult.Service{DB: cat.DB, Catalog: cat, Today: opts.Today}
	a.Compliance.Checks = append(a.Compliance.Checks, a.Consult.Check())
	a.Search.Register(a.Consult.SearchSource())
	a.Search.Register(a.Finance.SearchSource())
	kit, err := web.New(cat, au, log, opts)
	if err != nil {
		return nil, err
	}
	if err := kit.Mount(a.features()...); err != nil {
		return nil, err
	}
	a.Web = kit
	// Node-local: this node's render cache must see every change from now
	// on, its own at once (Committed) and other nodes' by polling the outbox.
	// A change of one catalogue item drops only the pages it can alter;
	// anything else (columns, settings, the other capabilities' records)
	// drops the site's pages.
	if err := cat.Bus.SubscribeLocal(context.Background(), "web.render-cache", func(ctx context.Context, e events.Event) error {
		// Read replicas first: a page rendered after the drop reads from
		// a replica only once it has replayed this change (store/replica.go).
		if err := cat.DB.MarkChange(ctx); err != nil {
			log.Warn("render cache: primary WAL position", "err", err)
		}
		switch e.Kind {
		case events.ItemPublished, events.ItemRevised, events.ItemWithdrawn, events.ItemFiles:
			var p struct {
				ColumnID int64  `json:"column_id"`
				On       string `json:"published_on"`
				WasOn    string `json:"was_published_on"`
			}
			if e.SubjectID != 0 && json.Unmarshal(e.Payload, &p) == nil {
				also, err := cat.Referrers(ctx, e.SubjectID)
				if err == nil {
					kit.InvalidateItem(e.SiteID, e.SubjectID, p.ColumnID, also, orderChange(ctx, cat, e, p.On, p.WasOn, log))
					return nil
				}
				log.Warn("render cache: referrers", "item", e.SubjectID, "err", err)
			}
		}
		kit.Invalidate(e.SiteID)
		return nil
	}); err != nil {
		return nil, err
	}
	// The stored self-inspection follows every node's changes too (issue
	// 17): a change event makes the next back-office page refresh a run
	// that began before it, not only after --inspection-max-age.
	if err := cat.Bus.SubscribeLocal(context.Background(), "compliance.changes", func(ctx context.Context, e events.Event) error {
		a.Compliance.Changed(e.SiteID, store.ParseTime(e.CreatedAt))
		return nil
	}); err != nil {
		return nil, err
	}
	a.handler = kit.Handler()
	return a, nil
}

// orderChange is where an item change is in the sitemap's order (on, the
// publication day the event carries; read from the item for events
// without), so the render cache drops only the sitemap files it alters;
// nil (every file) when that cannot be read.
func orderChange(ctx context.Context, cat *catalog.Service, e events.Event, on, wasOn string, log *slog.Logger) *web.OrderChange {
	if on == "" {
		var err error
		if on, err = cat.PublishedOn(ctx, e.SubjectID); err != nil {
			log.Warn("render cache: publication day", "item", e.SubjectID, "err", err)
			return nil
		}
	}
	oc := &web.OrderChange{At: web.OrderKey{On: on, ID: e.SubjectID}}
	switch e.Kind {
	case events.ItemPublished, events.ItemWithdrawn:
		oc.Shift = true
	case events.ItemRevised:
		if wasOn != "" && wasOn != on {
			oc.From = &web.OrderKey{On: wasOn, ID: e.SubjectID}
		}
	}
	return oc
}

// SetDataKey sets the 32-byte key that seals applicants' personal data
// (GONGKAI_DATA_KEY); without one, disclosure requests are refused.
func (a *App) SetDataKey(key []byte) error {
	sl, err := secure.NewSealer(key)
	if err != nil {
		return err
	}
	a.Requests.Sealer = sl
	a.Consult.Sealer = sl
	a.Messages.Sealer = sl
	a.Live.Sealer = sl
	a.Inspect.Sealer = sl
	return nil
}

// LoadAnnualDemo generates and publishes the demo site's annual report
// for last year (issue 14) from the demo records; run it after the other
// demo loaders.
func (a *App) LoadAnnualDemo(ctx context.Context, siteID int64, today calendar.Date) error {
	office, err := a.Auth.UserByName(ctx, demo.Users[1].Name)
	if err != nil {
		return err
	}
	year, on := demo.LatestAnnualReport(today)
	return a.Annual.LoadDemo(ctx, siteID, office, year, on)
}

// Handler is the whole HTTP application.
func (a *App) Handler() http.Handler { return a.handler }

func (a *App) liveWeb() *weblive.Feature {
	a.LiveWeb = &weblive.Feature{Live: a.Live, Hub: a.LiveHub, Blobs: a.Blobs}
	return a.LiveWeb
}

// features returns every feature, wired to the services (nil services
// are fine for listing routes and the API document: Mount only registers).
func (a *App) features() []web.Feature {
	return []web.Feature{
		&catalogue.Feature{Catalog: a.Catalog, Blobs: a.Blobs, Deadlines: a.Deadlines, Searcher: a.Search, Compliance: a.Compliance},
		&siteadmin.Feature{Catalog: a.Catalog, Blobs: a.Blobs},
		&selfcheck.Feature{Catalog: a.Catalog, Calendar: a.Calendar, Deadlines: a.Deadlines, Compliance: a.Compliance},
		&websearch.Feature{Catalog: a.Catalog, Search: a.Search},
		&webrequest.Feature{Catalog: a.Catalog, Requests: a.Requests, Search: a.Search, Blobs: a.Blobs},
		&weblists.Feature{Lists: a.Lists, Blobs: a.Blobs},
		&webconsult.Feature{Consult: a.Consult, Deadlines: a.Deadlines},
		&webinteract.Feature{Catalog: a.Catalog, Messages: a.Messages, Search: a.Search},
		a.liveWeb(),
		&webenforce.Feature{Enforce: a.Enforce, Calendars: a.Calendar},
		&webinspect.Feature{Inspect: a.Inspect},
		&webexecution.Feature{Execution: a.Execution, Calendars: a.Calendar},
		&webannual.Feature{Annual: a.Annual, Export: export.Write},
		&webfinance.Feature{Finance: a.Finance},
		&webpractice.Feature{Practice: a.Practice, Blobs: a.Blobs},
	}
}

// Describe builds the HTTP kit with every feature mounted but no services
// behind it: for the route listing and the OpenAPI document.
func Describe() (*web.Server, error) {
	kit, err := web.New(nil, nil, slog.New(slog.DiscardHandler), web.Options{})
	if err != nil {
		return nil, err
	}
	if err := kit.Mount((&App{}).features()...); err != nil {
		return nil, err
	}
	kit.Handler() // registers the fall-backs, so they are listed too
	return kit, nil
}

// Schemas lists every feature's API types with their OpenAPI schemas.
func Schemas() []web.Schema {
	return slices.Concat(web.Schemas(), catalogue.Schemas(), selfcheck.Schemas(), websearch.Schemas(), weblists.Schemas(), webrequest.Schemas(), webconsult.Schemas(), webinteract.Schemas(), weblive.Schemas(), webenforce.Schemas(), webinspect.Schemas(), webexecution.Schemas(), webannual.Schemas(), webfinance.Schemas(), webpractice.Schemas())
}

// UseMail turns e-mail delivery on when c names an SMTP server: the
// Background job then sends the outbox (internal/mail).
func (a *App) UseMail(c mail.Config) {
	if !c.Enabled() {
		a.Log.Info("mail off: GONGKAI_SMTP_HOST is not set; notices wait in the outbox")
		return
	}
	a.Mail = &mail.Outbox{DB: a.Catalog.DB, Sender: &mail.SMTP{Config: c}, From: c.From, Log: a.Log}
}

// LoadFinanceDemo publishes the demo site's budgets, final accounts and
// procurement lists (internal/finance/demo.go) as the demo office, in the
// 办公室; call it after LoadListsDemo and before LoadSearchDemo.
func (a *App) LoadFinanceDemo(ctx context.Context, siteID int64) error {
	office, err := a.Auth.UserByName(ctx, demo.Users[1].Name)
	if err != nil {
		return err
	}
	ds, err := a.Catalog.Departments(ctx, siteID)
	if err != nil {
		return err
	}
	var dept int64
	for _, d := range ds {
		if d.Abbr == "bgs" {
			dept = d.ID
		}
	}
	if dept == 0 && len(ds) > 0 {
		dept = ds[0].ID
	}
	return a.Finance.LoadDemo(ctx, siteID, dept, office)
}

// LoadPracticeDemo records the demo site's 2025 good-practice submissions
// (internal/practice/demo.go) as the demo office, publishing three as
// 工作动态; call it before LoadSearchDemo.
func (a *App) LoadPracticeDemo(ctx context.Context, siteID int64) error {
	office, err := a.Auth.UserByName(ctx, demo.Users[1].Name)
	if err != nil {
		return err
	}
	ds, err := a.Catalog.Departments(ctx, siteID)
	if err != nil {
		return err
	}
	depts := map[string]int64{}
	for _, d := range ds {
		depts[d.Abbr] = d.ID
	}
	return a.Practice.LoadDemo(ctx, siteID, office, depts)
}
