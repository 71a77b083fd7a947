// Command captchaserver is a test-only server for the browser test of the
// public forms' CAPTCHA (tests/browser/test/captcha.test.mjs): the whole
// application on the demo site, as `gongkai serve --demo` runs it, plus
// the test-only form internal/web/formtest at /guestbook (no public form
// exists on the site yet). It prints nothing until it listens, serves
// until SIGTERM, and keeps its data in --data.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/blob"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/demo"
	"gongkai/internal/store"
	"gongkai/internal/web"
	"gongkai/internal/web/formtest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "captchaserver:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	data := flag.String("data", "", "data directory")
	flag.Parse()
	if *data == "" {
		return fmt.Errorf("--data is required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := os.MkdirAll(*data, 0o750); err != nil {
		return err
	}
	db, err := store.Open(ctx, filepath.Join(*data, "gongkai.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	blobs, err := blob.OpenFS(filepath.Join(*data, "attachments"))
	if err != nil {
		return err
	}
	defer blobs.Close()
	cat := &catalog.Service{DB: db}
	au := auth.NewService(db)
	host, _, _ := net.SplitHostPort(*addr)
	if _, err := demo.LoadWith(ctx, cat, au, blobs, host, calendar.Today()); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// Generous limits: the browser test posts the form many times.
	srv, err := app.New(cat, au, blobs, log, web.Options{FormLimits: web.FormLimits{PerAddress: web.Rate{Burst: 1000, Every: 1}}})
	if err != nil {
		return err
	}
	if err := srv.Web.Mount(&formtest.Guestbook{}); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler()}
	go func() { <-ctx.Done(); hs.Close() }()
	fmt.Println("listening http://" + ln.Addr().String())
	if err := hs.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}
