package app

import (
	"context"

	"gongkai/internal/demo"
	"gongkai/internal/execution"
)

// LoadExecutionDemo publishes the demo site's 2025 execution tasks, their
// progress and the suggestion and proposal replies (internal/execution/
// demo.go) as the demo office; call it before LoadSearchDemo.
func (a *App) LoadExecutionDemo(ctx context.Context, siteID int64) error {
	office, err := a.Auth.UserByName(ctx, demo.Users[1].Name)
	if err != nil {
		return err
	}
	return execution.LoadDemo(ctx, a.Lists, siteID, office)
}
