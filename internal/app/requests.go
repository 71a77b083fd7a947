package app

import (
	"context"

	"gongkai/internal/calendar"
	"gongkai/internal/demo"
)

// RequestDemoYear is the year of the demo's disclosure requests.
const RequestDemoYear = 2025

// LoadRequestDemo gives a freshly loaded demo site its year of disclosure
// requests (request.Service.LoadDemo), recorded by the demo office user.
func (a *App) LoadRequestDemo(ctx context.Context, siteID int64, today calendar.Date) error {
	office, err := a.Auth.UserByName(ctx, demo.Users[1].Name)
	if err != nil {
		return err
	}
	ds, err := a.Catalog.Departments(ctx, siteID)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(ds))
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	return a.Requests.LoadDemo(ctx, office, siteID, ids, RequestDemoYear, today)
}

// purgeRequests enforces the retention period of applicants' personal data
// (request.Service.Purge) and deletes the ID copies it frees.
func (a *App) purgeRequests(ctx context.Context) {
	keys, err := a.Requests.Purge(ctx, a.Web.Today())
	if err != nil {
		a.Log.Error("purge requests", "err", err)
		return
	}
	for _, k := range keys {
		if err := a.Blobs.Delete(k); err != nil {
			a.Log.Error("purge requests: delete ID copy", "err", err)
		}
	}
	if len(keys) > 0 {
		a.Log.Info("purge requests: ID copies deleted", "files", len(keys))
	}
}

// LoadConsultDemo gives a freshly loaded demo site its public
// participation (consult.Service.LoadDemo), recorded by the demo office user.
func (a *App) LoadConsultDemo(ctx context.Context, siteID int64, today calendar.Date) error {
	office, err := a.Auth.UserByName(ctx, demo.Users[1].Name)
	if err != nil {
		return err
	}
	return a.Consult.LoadDemo(ctx, office, siteID, today)
}
