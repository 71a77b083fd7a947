package app

import (
	"context"

	"gongkai/internal/calendar"
	"gongkai/internal/demo"
)

// MessageDemoYear is the year of the demo's messages (留言).
const MessageDemoYear = 2025

// LoadMessageDemo gives a freshly loaded demo site its year of messages
// (interact.Service.LoadDemo), recorded by the demo office user.
func (a *App) LoadMessageDemo(ctx context.Context, siteID int64, today calendar.Date) error {
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
	return a.Messages.LoadDemo(ctx, office, siteID, depts, MessageDemoYear, today)
}
