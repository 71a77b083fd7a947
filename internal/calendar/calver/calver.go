// Package calver keeps the working-day calendars administrators import
// (a new year's State Council notice, or a correction), each under its
// version, in the database. It is apart from package calendar so that the
// date arithmetic imports neither the store nor auth.
package calver

import (
	"context"
	"database/sql"
	"errors"
	"sync"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// Versions keeps the calendars administrators import, each under its
// version, in the database. The newest is in force; with none imported the
// embedded calendar is. Old versions stay readable so a due date computed
// with one can still be explained with it.
type Versions struct {
	DB *store.DB

	mu    sync.Mutex
	cache map[string]*calendar.Calendar
}

// VersionInfo describes a stored calendar version.
type VersionInfo struct {
	Version   string
	Note      string
	ActorName string
	CreatedAt string
	Years     []int
}

func (v *Versions) remember(c *calendar.Calendar) *calendar.Calendar {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.cache == nil {
		v.cache = map[string]*calendar.Calendar{}
	}
	if old, ok := v.cache[c.Version()]; ok {
		return old
	}
	v.cache[c.Version()] = c
	return c
}

// Current returns the calendar in force.
func (v *Versions) Current(ctx context.Context) (*calendar.Calendar, error) {
	var version, data string
	err := v.DB.R.QueryRowContext(ctx, `SELECT version, data FROM calendar_versions ORDER BY id DESC LIMIT 1`).Scan(&version, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return calendar.Default(), nil
	}
	if err != nil {
		return nil, errs.Wrap(err, "current calendar")
	}
	return v.load(version, data)
}

func (v *Versions) load(version, data string) (*calendar.Calendar, error) {
	v.mu.Lock()
	c := v.cache[version]
	v.mu.Unlock()
	if c != nil {
		return c, nil
	}
	c, err := calendar.Load([]byte(data))
	if err != nil {
		return nil, errs.Wrap(err, "stored calendar "+version)
	}
	return v.remember(c), nil
}

// Get returns the calendar of a version: the embedded one or a stored one.
func (v *Versions) Get(ctx context.Context, version string) (*calendar.Calendar, error) {
	if version == calendar.Default().Version() {
		return calendar.Default(), nil
	}
	var data string
	err := v.DB.R.QueryRowContext(ctx, `SELECT data FROM calendar_versions WHERE version = $1`, version).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "节假日数据版本 %s 不存在", version)
	}
	if err != nil {
		return nil, errs.Wrap(err, "calendar version")
	}
	return v.load(version, data)
}

// Import adds or corrects the years in data (the holidays-cn.json format)
// on top of the calendar in force, and makes the result the new version.
// Earlier due dates keep their version. The change is audited.
func (v *Versions) Import(ctx context.Context, actor *auth.User, data []byte, note string) (*calendar.Calendar, error) {
	if actor != nil && !actor.CanManageSite() {
		return nil, errs.E(errs.Forbidden, "只有系统管理员可以导入节假日安排")
	}
	years, err := calendar.ParseYears(data)
	if err != nil {
		return nil, err
	}
	cur, err := v.Current(ctx)
	if err != nil {
		return nil, err
	}
	next, err := cur.With(years...)
	if err != nil {
		return nil, err
	}
	if next.Version() == cur.Version() {
		return nil, errs.E(errs.Conflict, "导入的节假日安排与现行数据完全相同，无需导入")
	}
	body, err := calendar.MarshalYears(next.Years(), "gongkai calendar "+next.Version())
	if err != nil {
		return nil, errs.Wrap(err, "marshal calendar")
	}
	imported := make([]int, len(years))
	for i, y := range years {
		imported[i] = y.Year
	}
	name := "命令行/系统"
	if actor != nil {
		name = actor.Name
	}
	err = v.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_versions (version, data, note, actor_name, created_at) VALUES ($1, $2, $3, $4, $5)`,
			next.Version(), string(body), note, name, store.Now()); err != nil {
			if store.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, "该版本的节假日安排已导入过")
			}
			return errs.Wrap(err, "insert calendar")
		}
		return auth.Audit(ctx, tx, v.DB.Dialect, auth.Entry{Actor: actor, Action: "calendar.import", Target: "calendar:" + next.Version(),
			Before: map[string]any{"version": cur.Version()}, After: map[string]any{"version": next.Version(), "years": imported, "note": note}})
	})
	if err != nil {
		return nil, err
	}
	return v.remember(next), nil
}

// History lists the stored versions, newest first, ending with the embedded one.
func (v *Versions) History(ctx context.Context) ([]VersionInfo, error) {
	rows, err := v.DB.R.QueryContext(ctx, `SELECT version, data, note, actor_name, created_at FROM calendar_versions ORDER BY id DESC`)
	if err != nil {
		return nil, errs.Wrap(err, "calendar history")
	}
	defer rows.Close()
	var out []VersionInfo
	for rows.Next() {
		var vi VersionInfo
		var data string
		if err := rows.Scan(&vi.Version, &data, &vi.Note, &vi.ActorName, &vi.CreatedAt); err != nil {
			return nil, errs.Wrap(err, "calendar history")
		}
		if c, err := v.load(vi.Version, data); err == nil {
			for _, y := range c.Years() {
				vi.Years = append(vi.Years, y.Year)
			}
		}
		out = append(out, vi)
	}
	d := VersionInfo{Version: calendar.Default().Version(), Note: "内置数据（国务院办公厅节假日安排通知 2020—2026）", ActorName: "内置"}
	for _, y := range calendar.Default().Years() {
		d.Years = append(d.Years, y.Year)
	}
	return append(out, d), rows.Err()
}
