package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"strconv"
	"strings"

	"gongkai/internal/captcha"
	"gongkai/internal/mail"
	"gongkai/internal/web"
)

// envSecret reads a secret from NAME, or from the file NAME_FILE names
// (trailing newline dropped).
func envSecret(name string) (string, error) {
	if f := os.Getenv(name + "_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("%s_FILE: %w", name, err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	return os.Getenv(name), nil
}

// formOptions are the public forms' settings: the CAPTCHA key
// (GONGKAI_CAPTCHA_KEY[_FILE], at least 32 characters, the same on every
// node; unset: a random key per start) and the rate limits
// (GONGKAI_FORM_LIMIT per client address and form, GONGKAI_FORM_LIMIT_ALL
// per form, as BURST/EVERY such as 5/2m, or off).
func formOptions(opts *web.Options) error {
	key, err := envSecret("GONGKAI_CAPTCHA_KEY")
	if err != nil {
		return err
	}
	if key != "" {
		if len(key) < 32 {
			return fmt.Errorf("GONGKAI_CAPTCHA_KEY: at least 32 characters (e.g. openssl rand -hex 32)")
		}
		sum := sha256.Sum256([]byte(key))
		opts.CaptchaKey = sum[:]
	}
	opts.FormLimits = web.DefaultFormLimits
	if v, ok := os.LookupEnv("GONGKAI_FORM_LIMIT"); ok {
		if opts.FormLimits.PerAddress, err = web.ParseRate(v); err != nil {
			return fmt.Errorf("GONGKAI_FORM_LIMIT: %w", err)
		}
	}
	if v, ok := os.LookupEnv("GONGKAI_FORM_LIMIT_ALL"); ok {
		if opts.FormLimits.PerForm, err = web.ParseRate(v); err != nil {
			return fmt.Errorf("GONGKAI_FORM_LIMIT_ALL: %w", err)
		}
	}
	return nil
}

// mailConfig is the SMTP relay of the notices (GONGKAI_SMTP_HOST, _PORT,
// _FROM, _USER, _PASSWORD[_FILE]); mail is off without a host.
func mailConfig() (mail.Config, error) {
	c := mail.Config{Host: os.Getenv("GONGKAI_SMTP_HOST"), From: os.Getenv("GONGKAI_SMTP_FROM"), User: os.Getenv("GONGKAI_SMTP_USER")}
	if !c.Enabled() {
		return c, nil
	}
	if p := os.Getenv("GONGKAI_SMTP_PORT"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return c, fmt.Errorf("GONGKAI_SMTP_PORT: not a port: %q", p)
		}
		c.Port = n
	}
	if c.From == "" {
		return c, fmt.Errorf("GONGKAI_SMTP_FROM: the sender address is required with GONGKAI_SMTP_HOST")
	}
	if err := (mail.Message{To: c.From, Subject: "-"}).Validate(); err != nil {
		return c, fmt.Errorf("GONGKAI_SMTP_FROM: not an address: %q", c.From)
	}
	pw, err := envSecret("GONGKAI_SMTP_PASSWORD")
	if err != nil {
		return c, err
	}
	c.Password = pw
	return c, nil
}

// runCaptcha is `gongkai captcha answer FORM TOKEN`: the answer of a
// challenge signed with GONGKAI_CAPTCHA_KEY, for an operator checking a
// complaint ("the answer was refused") and for the browser tests, which
// drive the public forms end to end. Whoever holds the key can compute
// answers anyway; without the key it refuses.
func runCaptcha(args []string) error {
	if len(args) != 3 || args[0] != "answer" {
		return fmt.Errorf("用法：gongkai captcha answer 表单 令牌")
	}
	var opts web.Options
	if err := formOptions(&opts); err != nil {
		return err
	}
	if opts.CaptchaKey == nil {
		return fmt.Errorf("未设置 GONGKAI_CAPTCHA_KEY：每次启动使用随机密钥，无法在进程外计算答案")
	}
	ans, ok := captcha.New(nil, opts.CaptchaKey).Answer(args[1], args[2])
	if !ok {
		return fmt.Errorf("令牌无效或不属于表单 %s", args[1])
	}
	fmt.Println(ans)
	return nil
}
