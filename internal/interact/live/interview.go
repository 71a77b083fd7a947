package live

import (
	"context"
	"database/sql"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// Statuses of an interview. Staff move it along: announced (预告; questions
// may already be sent) → live (进行中) → closed (已结束; no more questions) →
// archived (已归档: the transcript, images and video are public).
const (
	Announced = "announced"
	Live      = "live"
	Closed    = "closed"
	Archived  = "archived"
)

// InterviewStatuses are the statuses with their labels.
var InterviewStatuses = []Choice{{Announced, "预告"}, {Live, "正在直播"}, {Closed, "已结束"}, {Archived, "已归档"}}

// next is the one step each status may take.
var next = map[string]string{Announced: Live, Live: Closed, Closed: Archived}

// Interview is one online interview.
type Interview struct {
	ID, SiteID, DepartmentID int64
	Title, Topic             string
	// Guests are one per line: "name，post".
	Guests           string
	StartsAt, EndsAt string
	Status           string
	Summary          string
	// A video of the interview: its address, WebVTT captions and a text
	// transcript. REFERENCE §6.1: the site designs to WCAG 2.1 AA (GB/T
	// 37668-2019 is based on WCAG 2.0), whose 1.2.2 (captions, prerecorded)
	// and 1.2.3 (media alternative) ask for captions or a transcript: a
	// video is refused without one of them (validate).
	VideoURL, VideoCaptions, VideoTranscript string
	Seq                                      int64
	CreatedBy, CreatedAt, UpdatedAt          string
	ArchivedAt                               string
	Images                                   []Image
}

// Image is a photo of an archived interview, with its text alternative.
type Image struct {
	ID, InterviewID int64
	BlobKey, MIME   string
	Alt             string
}

// GuestList splits Guests into lines.
func (iv *Interview) GuestList() []string {
	var out []string
	for _, l := range strings.Split(iv.Guests, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Guest is one line of Guests: the guest's name and the whole line.
type Guest struct{ Name, Line string }

// GuestEntries are the guests with their names (the text before the first
// comma), for the answer screen's choice of who answers.
func (iv *Interview) GuestEntries() []Guest {
	var out []Guest
	for _, l := range iv.GuestList() {
		name := l
		if i := strings.IndexAny(l, "，,、 "); i > 0 {
			name = l[:i]
		}
		out = append(out, Guest{Name: name, Line: l})
	}
	return out
}

// Open reports whether the public may send questions.
func (iv *Interview) Open() bool { return iv.Status == Announced || iv.Status == Live }

// StatusLabel is the status in Chinese.
func (iv *Interview) StatusLabel() string { return LabelOf(InterviewStatuses, iv.Status) }

// Date is the interview's day.
func (iv *Interview) Date() string { return dateOf(iv.StartsAt) }

// Year is the interview's year, for the archive's grouping.
func (iv *Interview) Year() string {
	if len(iv.StartsAt) >= 4 {
		return iv.StartsAt[:4]
	}
	return ""
}

// InterviewInput is what staff set on an interview.
type InterviewInput struct {
	DepartmentID                             int64
	Title, Topic, Guests, StartsAt, EndsAt   string
	Summary                                  string
	VideoURL, VideoCaptions, VideoTranscript string
}

func (in *InterviewInput) validate() error {
	v := errs.Validation{}
	in.Title, in.Topic, in.Guests = strings.TrimSpace(in.Title), strings.TrimSpace(in.Topic), strings.TrimSpace(in.Guests)
	in.Summary, in.VideoURL = strings.TrimSpace(in.Summary), strings.TrimSpace(in.VideoURL)
	in.VideoCaptions, in.VideoTranscript = strings.TrimSpace(in.VideoCaptions), strings.TrimSpace(in.VideoTranscript)
	required(v, "title", in.Title, "访谈标题")
	checkLen(v, "title", in.Title, MaxTitle)
	required(v, "topic", in.Topic, "访谈主题")
	checkLen(v, "topic", in.Topic, MaxTopic)
	required(v, "guests", in.Guests, "访谈嘉宾")
	checkLen(v, "guests", in.Guests, MaxGuests)
	checkTime(v, "starts_at", &in.StartsAt, true, "开始时间")
	checkTime(v, "ends_at", &in.EndsAt, false, "结束时间")
	if in.EndsAt != "" && in.StartsAt != "" && in.EndsAt < in.StartsAt {
		v.Add("ends_at", "结束时间不能早于开始时间")
	}
	checkLen(v, "summary", in.Summary, MaxSummary)
	checkURL(v, "video_url", in.VideoURL, false, "视频地址")
	// The pages' CSP plays media from this site or https: only.
	if strings.HasPrefix(in.VideoURL, "http://") {
		v.Add("video_url", "视频地址应以 https:// 开头（页面只播放加密传输的视频）")
	}
	checkLen(v, "video_captions", in.VideoCaptions, MaxCaptions)
	checkLen(v, "video_transcript", in.VideoTranscript, MaxTranscript)
	if in.VideoCaptions != "" && !strings.HasPrefix(in.VideoCaptions, "WEBVTT") {
		v.Add("video_captions", "字幕应为 WebVTT 格式（以 WEBVTT 开头）")
	}
	// REFERENCE §6.1 (WCAG 2.1 AA, SC 1.2.2 / 1.2.3): no video without
	// captions or a transcript.
	if in.VideoURL != "" && in.VideoCaptions == "" && in.VideoTranscript == "" {
		v.Add("video_transcript", "发布视频须同时提供字幕或文字实录（无障碍要求）")
	}
	return v.Err()
}

const interviewCols = `id, site_id, department_id, title, topic, guests, starts_at, ends_at, status, summary, video_url, video_captions, video_transcript, seq, created_by, created_at, updated_at, archived_at`

func scanInterview(sc interface{ Scan(...any) error }) (*Interview, error) {
	iv := &Interview{}
	err := sc.Scan(&iv.ID, &iv.SiteID, &iv.DepartmentID, &iv.Title, &iv.Topic, &iv.Guests, &iv.StartsAt, &iv.EndsAt, &iv.Status, &iv.Summary,
		&iv.VideoURL, &iv.VideoCaptions, &iv.VideoTranscript, &iv.Seq, &iv.CreatedBy, &iv.CreatedAt, &iv.UpdatedAt, &iv.ArchivedAt)
	return iv, err
}

// CreateInterview announces an interview.
func (s *Service) CreateInterview(ctx context.Context, u *auth.User, siteID int64, in InterviewInput) (*Interview, error) {
	if err := mayManage(u, in.DepartmentID); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	var id int64
	now := store.Now()
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO live_interviews (site_id, department_id, title, topic, guests, starts_at, ends_at, status, summary, video_url, video_captions, video_transcript, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
			siteID, in.DepartmentID, in.Title, in.Topic, in.Guests, in.StartsAt, in.EndsAt, Announced, in.Summary, in.VideoURL, in.VideoCaptions, in.VideoTranscript, u.Name, now).Scan(&id); err != nil {
			return errs.Wrap(err, "create interview")
		}
		return s.audit(ctx, tx, siteID, u, "interview.create", itoa("interview", id), nil, in, true)
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return s.Interview(ctx, siteID, id)
}

// UpdateInterview changes an interview's announcement or archive text.
func (s *Service) UpdateInterview(ctx context.Context, u *auth.User, siteID, id int64, in InterviewInput) (*Interview, error) {
	old, err := s.Interview(ctx, siteID, id)
	if err != nil {
		return nil, err
	}
	if err := mayManage(u, old.DepartmentID); err != nil {
		return nil, err
	}
	if err := mayManage(u, in.DepartmentID); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE live_interviews SET department_id = $1, title = $2, topic = $3, guests = $4, starts_at = $5, ends_at = $6, summary = $7,
			video_url = $8, video_captions = $9, video_transcript = $10, updated_at = $11, seq = seq + 1 WHERE id = $12 AND site_id = $13`,
			in.DepartmentID, in.Title, in.Topic, in.Guests, in.StartsAt, in.EndsAt, in.Summary, in.VideoURL, in.VideoCaptions, in.VideoTranscript, store.Now(), id, siteID); err != nil {
			return errs.Wrap(err, "update interview")
		}
		return s.audit(ctx, tx, siteID, u, "interview.update", itoa("interview", id), old, in, true)
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return s.Interview(ctx, siteID, id)
}

// Advance moves the interview to status to, which must be its next step.
func (s *Service) Advance(ctx context.Context, u *auth.User, siteID, id int64, to string) (*Interview, error) {
	old, err := s.Interview(ctx, siteID, id)
	if err != nil {
		return nil, err
	}
	if err := mayManage(u, old.DepartmentID); err != nil {
		return nil, err
	}
	if next[old.Status] != to {
		return nil, errs.E(errs.Conflict, "访谈当前为“%s”，不能改为“%s”", old.StatusLabel(), LabelOf(InterviewStatuses, to))
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		archived := ""
		if to == Archived {
			archived = store.Now()
		}
		// The status is checked again in the update: two staff pressing
		// the same button move it once.
		res, err := tx.ExecContext(ctx, `UPDATE live_interviews SET status = $1, seq = seq + 1, updated_at = $2, archived_at = CASE WHEN $3 = '' THEN archived_at ELSE $3 END
			WHERE id = $4 AND site_id = $5 AND status = $6`, to, store.Now(), archived, id, siteID, old.Status)
		if err != nil {
			return errs.Wrap(err, "advance interview")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "访谈状态已被他人更改，请刷新后重试")
		}
		return s.audit(ctx, tx, siteID, u, "interview."+to, itoa("interview", id), map[string]string{"status": old.Status}, map[string]string{"status": to}, true)
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return s.Interview(ctx, siteID, id)
}

// Interview returns one interview of the site with its images.
func (s *Service) Interview(ctx context.Context, siteID, id int64) (*Interview, error) {
	iv, err := scanInterview(s.DB.R.QueryRowContext(ctx, `SELECT `+interviewCols+` FROM live_interviews WHERE id = $1 AND site_id = $2`, id, siteID))
	if err != nil {
		return nil, notFound(err, "没有这次访谈", "read interview")
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, interview_id, blob_key, mime, alt FROM live_images WHERE interview_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, errs.Wrap(err, "read interview images")
	}
	defer rows.Close()
	for rows.Next() {
		var im Image
		if err := rows.Scan(&im.ID, &im.InterviewID, &im.BlobKey, &im.MIME, &im.Alt); err != nil {
			return nil, errs.Wrap(err, "read interview images")
		}
		iv.Images = append(iv.Images, im)
	}
	return iv, errs.Wrap(rows.Err(), "read interview images")
}

// InterviewFilter selects a page of a site's interviews.
type InterviewFilter struct {
	// Statuses: any of them ("" or none: all).
	Statuses []string
	// Page counts from 1; Per rows a page (1–200; 50 when 0).
	Page, Per int
}

func (f InterviewFilter) limits() (per, offset int) {
	per = f.Per
	if per <= 0 || per > 200 {
		per = 50
	}
	return per, (max(f.Page, 1) - 1) * per
}

// Interviews returns a page of the site's interviews, newest first, with
// how many match in all.
func (s *Service) Interviews(ctx context.Context, siteID int64, f InterviewFilter) ([]*Interview, int, error) {
	where, args := ` FROM live_interviews WHERE site_id = $1`, []any{siteID}
	var in []string
	for _, st := range f.Statuses {
		if st != "" {
			args = append(args, st)
			in = append(in, "$"+formatInt(int64(len(args))))
		}
	}
	if len(in) > 0 {
		where += ` AND status IN (` + strings.Join(in, ", ") + `)`
	}
	var total int
	if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count interviews")
	}
	per, offset := f.limits()
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+interviewCols+where+` ORDER BY starts_at DESC, id DESC LIMIT `+formatInt(int64(per))+` OFFSET `+formatInt(int64(offset)), args...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "list interviews")
	}
	defer rows.Close()
	var out []*Interview
	for rows.Next() {
		iv, err := scanInterview(rows)
		if err != nil {
			return nil, 0, errs.Wrap(err, "list interviews")
		}
		out = append(out, iv)
	}
	return out, total, errs.Wrap(rows.Err(), "list interviews")
}

// AddImage adds a stored photo (blob key and type) with its text
// alternative to an interview (WCAG 1.1.1, REFERENCE §6.1).
func (s *Service) AddImage(ctx context.Context, u *auth.User, siteID, id int64, key, mime, alt string) error {
	iv, err := s.Interview(ctx, siteID, id)
	if err != nil {
		return err
	}
	if err := mayManage(u, iv.DepartmentID); err != nil {
		return err
	}
	alt = strings.TrimSpace(alt)
	v := errs.Validation{}
	required(v, "alt", alt, "图片说明（供读屏软件朗读）")
	checkLen(v, "alt", alt, MaxAlt)
	if !strings.HasPrefix(mime, "image/") {
		v.Add("image", "请上传 JPEG、PNG、GIF 或 WebP 图片")
	}
	if err := v.Err(); err != nil {
		return err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO live_images (interview_id, blob_key, mime, alt, created_at) VALUES ($1, $2, $3, $4, $5)`, id, key, mime, alt, store.Now()); err != nil {
			return errs.Wrap(err, "add image")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE live_interviews SET seq = seq + 1 WHERE id = $1`, id); err != nil {
			return errs.Wrap(err, "add image")
		}
		return s.audit(ctx, tx, siteID, u, "interview.image", itoa("interview", id), nil, map[string]string{"alt": alt}, true)
	})
	if err == nil {
		s.committed(ctx)
	}
	return err
}

// ImageOf returns an interview's image by id, for serving its file.
func (s *Service) ImageOf(ctx context.Context, siteID, id, imageID int64) (*Image, error) {
	var im Image
	err := s.DB.R.QueryRowContext(ctx, `SELECT i.id, i.interview_id, i.blob_key, i.mime, i.alt FROM live_images i JOIN live_interviews v ON v.id = i.interview_id
		WHERE i.id = $1 AND i.interview_id = $2 AND v.site_id = $3`, imageID, id, siteID).Scan(&im.ID, &im.InterviewID, &im.BlobKey, &im.MIME, &im.Alt)
	if err != nil {
		return nil, notFound(err, "没有这张图片", "read image")
	}
	return &im, nil
}

func itoa(kind string, id int64) string { return kind + ":" + formatInt(id) }
