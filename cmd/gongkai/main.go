// Command gongkai runs a government-disclosure (政务公开) website: the public
// site, the staff back office and the JSON API, on embedded SQLite or on
// PostgreSQL.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/blob"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/compliance"
	"gongkai/internal/demo"
	"gongkai/internal/errs"
	"gongkai/internal/execution"
	"gongkai/internal/finance"
	"gongkai/internal/lists/enforce"
	"gongkai/internal/store"
	"gongkai/internal/web"
)

var version = "dev"

const usage = `gongkai — 政务公开平台

用法：gongkai <命令> [选项]

命令：
  serve      启动网站、管理后台和 API（--demo 载入临沂市司法局演示站点）
  migrate    执行数据库迁移
  site add   在集约化平台上新增站点：--slug S --name N --org-code C --host H；site list 列出站点
  user add   新增工作人员：--name N --role R [--department D] [--site S] --password-file F
  token      API 访问令牌：create --user N [--name 用途] [--expires 90d|2027-06-30]；list [--user N]；revoke ID
  backup     备份数据库和附件：--out FILE
  restore    从备份恢复：gongkai restore FILE（须先停止服务）
  check      政务公开自查：[--json] [--site 站点代码] [--today 日期]；有单项否决问题时退出码为 1
  seed       生成合成站点（基准测试用）：--synthetic N [--seed S]
  search     重建站内检索索引：search reindex [--site ID]（运行中也可执行）
  workdays   工作日计算：add / days / between / is / explain；import FILE 导入节假日安排
  captcha    answer 表单 令牌：按 GONGKAI_CAPTCHA_KEY 给出验证码的答案（核对问题与自动化测试用）
  letter     输出告知书样张：--kind 类型 [--format pdf|html] > 文件；--list 列出类型
  report     年度报告：annual --year 2025 --format pdf|docx|xlsx|html --out 文件 [--site ID]
  version    显示版本

每个命令都接受 --data DIR（默认 ./data，或环境变量 GONGKAI_DATA）和
--db DSN（postgres://…，或环境变量 GONGKAI_DB；默认使用 DIR 下的 SQLite）。
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	cmd, args := os.Args[1], os.Args[2:]
	var err error
	switch cmd {
	case "serve":
		err = runServe(args)
	case "migrate":
		err = runMigrate(args)
	case "user":
		err = runUser(args)
	case "token":
		err = runToken(args)
	case "backup":
		err = runBackup(args)
	case "restore":
		err = runRestore(args)
	case "check":
		err = runCheck(args)
	case "site":
		err = runSite(args)
	case "seed":
		err = runSeed(args)
	case "search":
		err = runSearch(args)
	case "workdays":
		os.Exit(runWorkdays(args))
	case "letter":
		err = runLetter(args)
	case "report":
		err = runReport(args)
	case "captcha":
		err = runCaptcha(args)
	case "version", "--version", "-v":
		fmt.Println("gongkai", version, runtime.Version())
	case "help", "--help", "-h":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "未知命令 %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) && !errors.Is(err, errVeto) {
			fmt.Fprintln(os.Stderr, "错误：", errs.MessageOrText(err))
		}
		os.Exit(1)
	}
}

// common holds the flags every subcommand takes.
type common struct {
	data string
	db   string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.data, "data", envOr("GONGKAI_DATA", "data"), "data directory (SQLite file and attachments)")
	fs.StringVar(&c.db, "db", os.Getenv("GONGKAI_DB"), "database: postgres://… (default: SQLite in the data directory)")
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func (c *common) dsn() string {
	if c.db != "" {
		return c.db
	}
	return filepath.Join(c.data, "gongkai.db")
}

// open opens and migrates the database.
func (c *common) open(ctx context.Context) (*store.DB, error) {
	return c.openWith(ctx, store.Options{})
}

// openWith is open with store options.
func (c *common) openWith(ctx context.Context, o store.Options) (*store.DB, error) {
	if err := os.MkdirAll(c.data, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	db, err := store.OpenWith(ctx, c.dsn(), o)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// The server's memory (issue 17: under 150 MB at 100,000 items under load).
// SQLite keeps a page cache per connection (8 readers and the writer);
// beyond the hot index pages the operating system's file cache serves the
// reads as well. No soft limit of the Go heap by default: with 80 MB the
// pages stayed under 150 MB, but a first serve of a fresh 100,000-item copy
// waited 355 s for its start-up jobs (306 s without the limit), and on a
// 1,000-item site the search and staff pages cost 10–25 % more CPU (the
// collector); 100 and 120 MB did not measurably lower the peak, since the
// binary and SQLite's memory are beyond the limit's reach
// (docs/BENCHMARKS.md, "Server memory, second pass").
const (
	serveCacheKiB      = 2000
	serveMemoryLimitMB = 0
)

func runServe(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var c common
	c.register(fs)
	addr := fs.String("addr", envOr("GONGKAI_ADDR", "127.0.0.1:8080"), "listen address")
	loadDemo := fs.Bool("demo", false, "load the 临沂市司法局 demo site when the database holds no site")
	secureCookies := fs.Bool("secure-cookies", os.Getenv("GONGKAI_SECURE_COOKIES") == "1", "mark cookies Secure (serve over HTTPS)")
	trustedProxies := fs.String("trusted-proxies", os.Getenv("GONGKAI_TRUSTED_PROXIES"), "comma-separated CIDR prefixes or addresses of the reverse proxies whose X-Forwarded-For is believed (e.g. 10.0.0.0/8,::1)")
	trustProxy := fs.Bool("trust-proxy", os.Getenv("GONGKAI_TRUST_PROXY") == "1", "deprecated: same as --trusted-proxies 127.0.0.0/8,::1 (a proxy on this machine)")
	maxUpload := fs.Int64("max-upload-mb", 50, "largest attachment in MB")
	var replicas []string
	fs.Func("db-replica", "a PostgreSQL hot standby of --db that public pages may read from (postgres://…; repeat the flag or separate with commas)", func(v string) error {
		for _, d := range strings.Split(v, ",") {
			if d = strings.TrimSpace(d); d != "" {
				replicas = append(replicas, d)
			}
		}
		return nil
	})
	for _, d := range strings.Split(os.Getenv("GONGKAI_DB_REPLICA"), ",") {
		if d = strings.TrimSpace(d); d != "" {
			replicas = append(replicas, d)
		}
	}
	metrics := fs.Bool("metrics", os.Getenv("GONGKAI_METRICS") == "1", "serve Prometheus metrics at /metrics (block it at the reverse proxy)")
	devTemplates := fs.String("dev-templates", "", "reload templates and static files from this repository checkout (development; e.g. .)")
	logLevel := fs.String("log", envOr("GONGKAI_LOG", "info"), "log level: debug, info, warn, error")
	publicity := fs.Int("decision-publicity-days", envInt("GONGKAI_DECISION_PUBLICITY_DAYS", enforce.PublicityDays), "default publicity period of an enforcement decision, in days from its date, when the record sets no 公示截止日期 (RECORDS §2.6: UNVERIFIED)")
	taskUpdate := fs.Int("task-update-months", envInt("GONGKAI_TASK_UPDATE_MONTHS", execution.Config.UpdateMonths), "default period in months within which an execution task (重要部署执行) needs a progress entry (RECORDS §6.2: no national interval, UNVERIFIED)")
	replyMonths := fs.Int("proposal-reply-months", envInt("GONGKAI_PROPOSAL_REPLY_MONTHS", execution.Config.ReplyMonths), "reply period of suggestions and proposals in months from assignment (代表法第五十一条; CPPCC rules UNVERIFIED, RECORDS §7.1)")
	difficultMonths := fs.Int("proposal-difficult-months", envInt("GONGKAI_PROPOSAL_DIFFICULT_MONTHS", execution.Config.DifficultMonths), "reply period in months of broad or difficult suggestions and proposals (代表法第五十一条)")
	publishWorkdays := fs.Int("proposal-publish-workdays", envInt("GONGKAI_PROPOSAL_PUBLISH_WORKDAYS", execution.Config.PublishWorkdays), "working days after the reply within which a reply letter is published (Anhui practice, RECORDS §7.3)")
	misassignedDays := fs.Int("proposal-misassigned-days", envInt("GONGKAI_PROPOSAL_MISASSIGNED_DAYS", execution.Config.MisassignedDays), "days from receipt within which a wrongly assigned suggestion is reported to the assigning body (Shandong 条例, RECORDS §7.3)")
	coOpinionText := fs.Bool("proposal-publish-co-opinions", os.Getenv("GONGKAI_PROPOSAL_PUBLISH_CO_OPINIONS") == "1", "publish the co-handlers' opinion texts (process information that 条例第十六条第二款 lets withhold; off by default)")
	scheme := fs.String("proposal-scheme", envOr("GONGKAI_PROPOSAL_SCHEME", execution.Config.Scheme), "result classification of replies: abc, abcd or jyb (甲乙丙) (RECORDS §7.4: varies by place)")
	intentionLead := fs.Int("intention-lead-days", envInt("GONGKAI_INTENTION_LEAD_DAYS", finance.IntentionLeadDays), "days before the procurement begins by which a 采购意向 is published (财库〔2020〕10号, RECORDS §8.6; the notice's date is UNVERIFIED)")
	financeKeep := fs.Int("finance-keep-years", envInt("GONGKAI_FINANCE_KEEP_YEARS", finance.KeepYears), "years a published budget or final accounts stays on the public pages; 0 keeps every year (RECORDS §8.2: UNVERIFIED)")
	retention := fs.Int("request-retention-years", envInt("GONGKAI_REQUEST_RETENTION_YEARS", 0), "erase applicants' personal data this many years after a disclosure request closed (0: keep)")
	blobURL := fs.String("blob", os.Getenv("GONGKAI_BLOB"), "where attachments are kept: empty for DATA/attachments, or s3://[ACCESS:SECRET@]host[:port]/bucket[/prefix][?region=R&tls=0] for an S3-compatible object store (keys from GONGKAI_S3_ACCESS_KEY/GONGKAI_S3_SECRET_KEY or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY when not in the URL)")
	inspectAge := fs.Duration("inspection-max-age", envDuration("GONGKAI_INSPECTION_MAX_AGE", compliance.DefaultMaxAge), "age after which a back-office page starts a background re-run of the stored self-inspection (changes on this node start one at once); on a site whose run takes 2 s or more, the least time between change-driven background runs (at least 10 × a run)")
	cacheKiB := fs.Int("sqlite-cache-kib", envInt("GONGKAI_SQLITE_CACHE_KIB", serveCacheKiB), "SQLite's page cache per connection in KiB (9 connections; the operating system caches the file besides)")
	memLimit := fs.Int("memory-limit-mb", envInt("GONGKAI_MEMORY_LIMIT_MB", serveMemoryLimitMB), "soft limit of the Go heap in MB, at which garbage is collected sooner (0: none; GOMEMLIMIT, when set, wins; 80 keeps a 100,000-item SQLite site under 150 MB, at 10–25 % more CPU on search and staff pages of small sites)")
	dataKey := fs.String("data-key", os.Getenv("GONGKAI_DATA_KEY"), "base64 32-byte key sealing applicants' personal data (or GONGKAI_DATA_KEY_FILE; --demo generates data/data-key)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("--log: %w", err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	proxies, err := web.ParseProxies(*trustedProxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	if *trustProxy {
		log.Warn("--trust-proxy is deprecated: it now trusts only a proxy on this machine; use --trusted-proxies")
		proxies = append(proxies, web.LoopbackProxies...)
	}
	start := time.Now()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// The attachment store first: a wrong --blob fails at once, before
	// the migrations.
	blobs, err := openBlobs(ctx, *blobURL, c.data)
	if err != nil {
		return err
	}
	defer blobs.Close()
	if len(replicas) > 0 && !strings.HasPrefix(c.dsn(), "postgres") {
		return errors.New("--db-replica: read replicas need PostgreSQL; give the primary with --db postgres://…")
	}
	if *cacheKiB < 0 || *memLimit < 0 {
		return errors.New("--sqlite-cache-kib and --memory-limit-mb must not be negative")
	}
	if *memLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(*memLimit) << 20)
	}
	db, err := c.openWith(ctx, store.Options{CacheKiB: *cacheKiB})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.UseReplicas(ctx, replicas); err != nil {
		return err
	}
	cat := &catalog.Service{DB: db}
	au := auth.NewService(db)
	var demoSite *catalog.Site
	if *loadDemo {
		n, err := cat.SiteCount(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			host, _, _ := net.SplitHostPort(*addr)
			site, err := demo.LoadWith(ctx, cat, au, blobs, host, calendar.Today())
			if err != nil {
				return fmt.Errorf("load demo: %w", err)
			}
			demoSite = site
			names := make([]string, len(demo.Users))
			for i, u := range demo.Users {
				names[i] = u.Name
			}
			log.Info("demo site loaded", "site", site.Name, "users", strings.Join(names, ","), "password", demo.Password)
		}
	}
	opts := web.Options{Secure: *secureCookies, TrustedProxies: proxies, MaxUpload: *maxUpload << 20, DevTemplates: *devTemplates, Metrics: *metrics}
	if err := formOptions(&opts); err != nil {
		return err
	}
	mc, err := mailConfig()
	if err != nil {
		return err
	}
	srv, err := app.New(cat, au, blobs, log, opts)
	if err != nil {
		return err
	}
	srv.UseMail(mc)
	if *inspectAge < time.Second {
		return fmt.Errorf("inspection-max-age: %s is under a second", *inspectAge)
	}
	srv.Compliance.MaxAge = *inspectAge
	key, err := loadDataKey(*dataKey, c.data, *loadDemo)
	if err != nil {
		return fmt.Errorf("data key: %w", err)
	}
	srv.Requests.RetentionYears = *retention
	if *publicity < 1 || *publicity > 36500 {
		return fmt.Errorf("decision-publicity-days: %d is not between 1 and 36500", *publicity)
	}
	enforce.PublicityDays = *publicity
	for _, v := range []struct {
		name   string
		n, max int
	}{{"task-update-months", *taskUpdate, 12}, {"proposal-reply-months", *replyMonths, 12}, {"proposal-difficult-months", *difficultMonths, 24}, {"proposal-publish-workdays", *publishWorkdays, 250}, {"proposal-misassigned-days", *misassignedDays, 60}} {
		if v.n < 1 || v.n > v.max {
			return fmt.Errorf("%s: %d is not between 1 and %d", v.name, v.n, v.max)
		}
	}
	execution.Config.UpdateMonths, execution.Config.ReplyMonths, execution.Config.DifficultMonths, execution.Config.PublishWorkdays = *taskUpdate, *replyMonths, *difficultMonths, *publishWorkdays
	execution.Config.MisassignedDays = *misassignedDays
	execution.PublishCoOpinions(*coOpinionText)
	if err := execution.UseScheme(*scheme); err != nil {
		return err
	}
	if *intentionLead < 0 || *intentionLead > 365 || *financeKeep < 0 || *financeKeep > 100 {
		return fmt.Errorf("intention-lead-days must be 0..365 and finance-keep-years 0..100")
	}
	finance.IntentionLeadDays, finance.KeepYears = *intentionLead, *financeKeep
	if key == nil {
		log.Warn(keyHint)
	} else if err := srv.SetDataKey(key); err != nil {
		return fmt.Errorf("data key: %w", err)
	}
	if demoSite != nil {
		// The capabilities' demo records, in order (each may build on the
		// ones before; the annual report counts them all, so it is last).
		// Those holding personal data need the data key.
		today := calendar.Today()
		id := demoSite.ID
		loaders := []struct {
			name     string
			needsKey bool
			load     func() error
		}{
			{"lists", false, func() error { return srv.LoadListsDemo(ctx, id) }},
			{"interviews", false, func() error { return srv.LoadLiveDemo(ctx, id, today) }},
			{"enforcement publicity", false, func() error { return srv.LoadEnforceDemo(ctx, id, today) }},
			{"random inspections", false, func() error { return srv.LoadInspectDemo(ctx, id) }},
			{"execution tasks and proposal replies", false, func() error { return srv.LoadExecutionDemo(ctx, id) }},
			{"finance information", false, func() error { return srv.LoadFinanceDemo(ctx, id) }},
			{"good-practice submissions", false, func() error { return srv.LoadPracticeDemo(ctx, id) }},
			{"search data", false, func() error { return srv.LoadSearchDemo(ctx, id, today) }},
			{"requests", true, func() error { return srv.LoadRequestDemo(ctx, id, today) }},
			{"consultations", true, func() error { return srv.LoadConsultDemo(ctx, id, today) }},
			{"messages", true, func() error { return srv.LoadMessageDemo(ctx, id, today) }},
			{"annual report", true, func() error { return srv.LoadAnnualDemo(ctx, id, today) }},
		}
		for _, l := range loaders {
			if l.needsKey && key == nil {
				continue
			}
			start := time.Now()
			if err := l.load(); err != nil {
				return fmt.Errorf("load demo %s: %w", l.name, err)
			}
			log.Info("demo loaded", "part", l.name, "took", time.Since(start).Round(time.Millisecond))
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute, WriteTimeout: 5 * time.Minute,
		IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	bg, cancelBg := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { srv.Background(bg, 10*time.Second); close(done) }()
	log.Info("gongkai serving", "addr", "http://"+ln.Addr().String(), "db", string(db.Dialect), "data", c.data, "startup", time.Since(start).Round(time.Millisecond))
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		cancelBg()
		<-done
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = hs.Shutdown(sctx)
	cancelBg()
	<-done
	return err
}

func runMigrate(args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	var c common
	c.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	if err := os.MkdirAll(c.data, 0o750); err != nil {
		return err
	}
	db, err := store.Open(ctx, c.dsn())
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	for _, a := range applied {
		fmt.Println("applied", a)
	}
	if err == nil && len(applied) == 0 {
		fmt.Println("database is up to date")
	}
	return err
}

func runUser(args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("用法：gongkai user add --name N --role R [--department D] --password-file F")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	var c common
	c.register(fs)
	name := fs.String("name", "", "login name")
	display := fs.String("display-name", "", "name shown in the back office")
	role := fs.String("role", "", "admin, office, reviewer or editor")
	dept := fs.String("department", "", "department name or abbreviation (required for editors)")
	siteSlug := fs.String("site", "", "site code the user serves (default: every site; implied by --department)")
	pwFile := fs.String("password-file", "", "file holding the password (- for standard input)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *pwFile == "" {
		return errors.New("请用 --password-file 提供密码文件（- 表示从标准输入读取）")
	}
	var pw []byte
	var err error
	if *pwFile == "-" {
		pw, err = io.ReadAll(io.LimitReader(os.Stdin, 4096))
	} else {
		pw, err = os.ReadFile(*pwFile)
	}
	if err != nil {
		return fmt.Errorf("读取密码文件：%w", err)
	}
	ctx := context.Background()
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := auth.ParseRole(*role)
	if err != nil {
		return err
	}
	in := auth.NewUser{Name: *name, DisplayName: *display, Role: r, Password: strings.TrimRight(string(pw), "\r\n")}
	if *siteSlug != "" {
		sites, err := (&catalog.Service{DB: db}).Sites(ctx)
		if err != nil {
			return err
		}
		for _, s := range sites {
			if s.Slug == *siteSlug {
				in.SiteID = s.ID
			}
		}
		if in.SiteID == 0 {
			return fmt.Errorf("站点 %q 不存在（gongkai site list 列出站点）", *siteSlug)
		}
	}
	if *dept != "" {
		d, err := (&catalog.Service{DB: db}).DepartmentByRef(ctx, *dept)
		if err != nil {
			return err
		}
		in.DepartmentID, in.SiteID = d.ID, d.SiteID
	}
	u, err := auth.NewService(db).CreateUser(ctx, nil, in)
	if err != nil {
		return err
	}
	fmt.Printf("用户 %s 已创建（%s）\n", u.Name, u.Role.Label())
	return nil
}

const tokenUsage = `用法：
  gongkai token create --user N [--name 用途] [--expires 90d|2027-06-30]
  gongkai token list [--user N]
  gongkai token revoke ID`

func runToken(args []string) error {
	if len(args) == 0 {
		return errors.New(tokenUsage)
	}
	fs := flag.NewFlagSet("token "+args[0], flag.ContinueOnError)
	var c common
	c.register(fs)
	user := fs.String("user", "", "login name of the token's user")
	label := fs.String("name", "", "what the token is for (create)")
	expires := fs.String("expires", "", "lifetime in days (90d, the default) or the last valid day (2027-06-30) (create)")
	switch args[0] {
	case "create", "list", "revoke":
	default:
		return errors.New(tokenUsage)
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	ctx := context.Background()
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := auth.NewService(db)
	switch args[0] {
	case "create":
		if *user == "" {
			return errors.New("请用 --user 指定令牌所属的用户")
		}
		secret, tok, err := svc.IssueToken(ctx, nil, auth.NewToken{UserName: *user, Name: *label, Expires: *expires})
		if err != nil {
			return err
		}
		// The secret alone on stdout, for scripts; the rest on stderr.
		fmt.Println(secret)
		fmt.Fprintf(os.Stderr, "令牌 %d 已创建，有效期至 %s。令牌只显示这一次，请妥善保存。\n", tok.ID, beijingTime(tok.ExpiresAt))
	case "list":
		var f auth.TokenFilter
		if *user != "" {
			u, err := svc.UserByName(ctx, *user)
			if err != nil {
				return err
			}
			f.UserID = u.ID
		}
		list, err := svc.Tokens(ctx, f)
		if err != nil {
			return err
		}
		fmt.Println("ID\t用户\t用途\t创建时间\t有效期至\t最近使用\t状态")
		for _, t := range list {
			state := t.State.Label()
			if t.State == auth.TokenRevoked {
				state += "（" + t.ReasonLabel() + "，" + t.RevokedBy + "）"
			}
			fmt.Printf("%d\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.UserName, dash(t.Name), beijingTime(t.CreatedAt), beijingTime(t.ExpiresAt), dash(beijingTime(t.LastUsedAt)), state)
		}
	case "revoke":
		if fs.NArg() != 1 {
			return errors.New(tokenUsage)
		}
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("令牌 ID 应为正整数：%q", fs.Arg(0))
		}
		if err := svc.RevokeToken(ctx, nil, id); err != nil {
			return err
		}
		fmt.Printf("令牌 %d 已撤销\n", id)
	}
	return nil
}

// beijingTime shows a stored instant in Beijing time, to the minute ("" stays "").
func beijingTime(s string) string {
	if s == "" {
		return ""
	}
	return store.ParseTime(s).In(calendar.Beijing).Format("2006-01-02 15:04")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// openBlobs opens the attachment store: the data directory's attachments/
// unless spec names an S3-compatible bucket. With a bucket, attachments/
// holds only uploads being checked.
func openBlobs(ctx context.Context, spec, data string) (*blob.Store, error) {
	dir := filepath.Join(data, "attachments")
	if spec == "" {
		return blob.OpenFS(dir)
	}
	cfg, err := blob.ParseS3URL(spec)
	if err != nil {
		return nil, fmt.Errorf("--blob: %w", err)
	}
	if cfg.AccessKey == "" {
		cfg.AccessKey = envOr("GONGKAI_S3_ACCESS_KEY", os.Getenv("AWS_ACCESS_KEY_ID"))
	}
	if cfg.SecretKey == "" {
		cfg.SecretKey = envOr("GONGKAI_S3_SECRET_KEY", os.Getenv("AWS_SECRET_ACCESS_KEY"))
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	s, err := blob.OpenS3(ctx, cfg, dir)
	if err != nil {
		return nil, fmt.Errorf("--blob: %w", err)
	}
	return s, nil
}
