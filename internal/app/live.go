package app

import (
	"context"

	"gongkai/internal/calendar"
	"gongkai/internal/demo"
)

// LoadLiveDemo gives a freshly loaded demo site its archived interview of
// 2025, a held and an upcoming open day (dated from today) and the
// bureau's new-media accounts (live.Service.LoadDemo), as the demo office,
// hosted by the office's department.
func (a *App) LoadLiveDemo(ctx context.Context, siteID int64, today calendar.Date) error {
	office, err := a.Auth.UserByName(ctx, demo.Users[1].Name)
	if err != nil {
		return err
	}
	return a.Live.LoadDemo(ctx, office, siteID, office.DepartmentID, today)
}
