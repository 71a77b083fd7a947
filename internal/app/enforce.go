package app

import (
	"context"

	"gongkai/internal/calendar"
	"gongkai/internal/demo"
	"gongkai/internal/lists/enforce"
)

// LoadEnforceDemo publishes the demo site's enforcement publicity (bodies,
// officers, matters, a year of decisions), service guides and service
// catalogue as the demo office, on today; call it before LoadSearchDemo,
// whose rebuild indexes them.
func (a *App) LoadEnforceDemo(ctx context.Context, siteID int64, today calendar.Date) error {
	office, err := a.Auth.UserByName(ctx, demo.Users[1].Name)
	if err != nil {
		return err
	}
	cal, err := a.Calendar.Current(ctx)
	if err != nil {
		return err
	}
	return enforce.LoadDemo(ctx, a.Lists, siteID, office, cal, today)
}
