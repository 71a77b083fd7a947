package app

import (
	"context"

	"gongkai/internal/demo"
)

// LoadInspectDemo publishes the demo site's 双随机 registries and carries out
// its 2025 plans, draws and results (internal/inspect/demo.go) as the demo
// office; call it after LoadListsDemo and before LoadSearchDemo.
func (a *App) LoadInspectDemo(ctx context.Context, siteID int64) error {
	office, err := a.Auth.UserByName(ctx, demo.Users[1].Name)
	if err != nil {
		return err
	}
	return a.Inspect.LoadDemo(ctx, siteID, office)
}
