package inspect

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Format names this version of the draw algorithm; it is hashed into every
// draw, so a later change of the algorithm can never re-read an old draw.
const Format = "gongkai-draw/1"

// Randomness methods: a seed committed to before the draw and revealed at
// it, or a public figure of a future date announced before the draw.
const (
	MethodCommit = "commit"
	MethodBeacon = "beacon"
)

// SnapshotRow is one row of a registry edition as the draw sees it: the
// row's key and its canonical values (internal/lists).
type SnapshotRow struct {
	Key    string            `json:"key"`
	Fields map[string]string `json:"fields"`
}

// Snapshot is a registry edition frozen into a draw's inputs. SHA256 is
// the hex SHA-256 of Canonical(Rows), the rows sorted by key.
type Snapshot struct {
	Kind          string        `json:"kind"`
	EditionID     int64         `json:"edition_id"`
	EditionNumber int           `json:"edition_number"`
	EffectiveOn   string        `json:"effective_on"`
	SHA256        string        `json:"sha256"`
	Rows          []SnapshotRow `json:"rows"`
}

// PlanInput is the part of a plan a draw depends on (every key is always
// present: the script hashes the object as published).
type PlanInput struct {
	ID                  int64  `json:"id"`
	Year                int    `json:"year"`
	Title               string `json:"title"`
	Department          string `json:"department"`
	ItemKey             string `json:"item_key"`
	ItemName            string `json:"item_name"`
	TargetType          string `json:"target_type"`
	Count               int    `json:"count"`
	RatioPercent        int    `json:"ratio_percent"`
	InspectorsPerTarget int    `json:"inspectors_per_target"`
	StartsOn            string `json:"starts_on"`
	EndsOn              string `json:"ends_on"`
}

// Announcement is the randomness as fixed before the draw: the commitment
// (hex SHA-256 of the seed's bytes), or the public figure's source and date.
type Announcement struct {
	Method     string `json:"method"`
	Commitment string `json:"commitment"`
	Source     string `json:"source"`
	Date       string `json:"date"`
}

// Inputs are everything a draw depends on except the revealed randomness;
// they are fixed (and published, hashed) when the draw is announced.
type Inputs struct {
	Format     string       `json:"format"`
	DrawID     int64        `json:"draw_id"`
	Plan       PlanInput    `json:"plan"`
	Targets    Snapshot     `json:"targets"`
	Inspectors Snapshot     `json:"inspectors"`
	Excluded   []string     `json:"excluded_targets"`
	Random     Announcement `json:"randomness"`
}

// hashedInputs is what InputsHash covers: the inputs with each snapshot
// replaced by its hash (the hashes cover the rows).
type hashedInputs struct {
	Format     string       `json:"format"`
	DrawID     int64        `json:"draw_id"`
	Plan       PlanInput    `json:"plan"`
	Targets    string       `json:"targets_sha256"`
	Inspectors string       `json:"inspectors_sha256"`
	Excluded   []string     `json:"excluded_targets"`
	Random     Announcement `json:"randomness"`
}

// DrawnTarget is one drawn target with its inspectors, in draw order.
type DrawnTarget struct {
	Key        string   `json:"key"`
	Name       string   `json:"name"`
	Inspectors []Person `json:"inspectors"`
}

// Person is a drawn inspector.
type Person struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

// Outcome is a draw's result.
type Outcome struct {
	EligibleTargets    int           `json:"eligible_targets"`
	EligibleInspectors int           `json:"eligible_inspectors"`
	Targets            []DrawnTarget `json:"targets"`
}

// SnapshotHash is the hex SHA-256 of the rows' canonical form, sorted by key.
func SnapshotHash(rows []SnapshotRow) (string, error) {
	rows = slices.Clone(rows)
	slices.SortFunc(rows, func(a, b SnapshotRow) int { return strings.Compare(a.Key, b.Key) })
	if rows == nil {
		rows = []SnapshotRow{}
	}
	b, err := Canonical(rows)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// InputsHash is the hex SHA-256 of the inputs' canonical form (snapshots by
// their hashes).
func (in *Inputs) InputsHash() (string, error) {
	ex := in.Excluded
	if ex == nil {
		ex = []string{}
	}
	b, err := Canonical(hashedInputs{in.Format, in.DrawID, in.Plan, in.Targets.SHA256, in.Inspectors.SHA256, ex, in.Random})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Commitment is the hex SHA-256 of a seed's bytes (the seed is 64 hex digits).
func Commitment(seedHex string) (string, error) {
	seed, err := seedBytes(seedHex)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(seed)
	return hex.EncodeToString(sum[:]), nil
}

func seedBytes(seedHex string) ([]byte, error) {
	b, err := hex.DecodeString(seedHex)
	if err != nil || len(b) != 32 || seedHex != strings.ToLower(seedHex) {
		return nil, fmt.Errorf("the seed is 64 lower-case hex digits")
	}
	return b, nil
}

// randomKey is the HMAC key the revealed randomness gives: the seed's 32
// bytes, or the public figure's UTF-8 text as entered (trimmed).
func randomKey(method, revealed string) ([]byte, error) {
	switch method {
	case MethodCommit:
		return seedBytes(revealed)
	case MethodBeacon:
		v := strings.TrimSpace(revealed)
		if v == "" {
			return nil, fmt.Errorf("no public figure")
		}
		return []byte(v), nil
	}
	return nil, fmt.Errorf("unknown method %q", method)
}

// stream is a labelled sequence of uniform integers:
// block i = HMAC-SHA256(master, label + "\n" + decimal(i)), i = 0, 1, …;
// a block's first 8 bytes, big-endian, are one 64-bit number u; a number in
// [0, n) is u mod n, with u rejected (the next block taken) when
// u ≥ 2^64 − (2^64 mod n), so every value is exactly equally likely.
type stream struct {
	master []byte
	label  string
	next   uint64
}

func (s *stream) below(n int) int {
	if n <= 0 {
		panic("inspect: below(0)")
	}
	rem := (^uint64(0)%uint64(n) + 1) % uint64(n) // 2^64 mod n
	for {
		m := hmac.New(sha256.New, s.master)
		m.Write([]byte(s.label + "\n" + strconv.FormatUint(s.next, 10)))
		s.next++
		u := binary.BigEndian.Uint64(m.Sum(nil)[:8])
		if rem == 0 || u < -rem {
			return int(u % uint64(n))
		}
	}
}

// pick is the first k elements of a partial Fisher–Yates shuffle of keys:
// for i = 0 … k−1, j = i + below(len − i), swap keys[i] and keys[j].
func (s *stream) pick(keys []string, k int) []string {
	a := slices.Clone(keys)
	for i := 0; i < k; i++ {
		j := i + s.below(len(a)-i)
		a[i], a[j] = a[j], a[i]
	}
	return a[:k]
}

// conflictSep separates the target codes of an inspector's 回避对象.
var conflictSep = regexp.MustCompile(`[、,，;；\t\n\r ]+`)

// eligible returns the keys (sorted) of the rows that enter a draw.
func eligibleTargets(in *Inputs) []string {
	ex := map[string]bool{}
	for _, k := range in.Excluded {
		ex[k] = true
	}
	var out []string
	for _, r := range in.Targets.Rows {
		if r.Fields["target_type"] == in.Plan.TargetType && r.Fields["status"] == "active" && !ex[r.Key] {
			out = append(out, r.Key)
		}
	}
	slices.Sort(out)
	return out
}

func eligibleInspectors(in *Inputs) []string {
	var out []string
	for _, r := range in.Inspectors.Rows {
		if r.Fields["status"] == "active" {
			out = append(out, r.Key)
		}
	}
	slices.Sort(out)
	return out
}

// TargetCount is how many targets the plan draws from n eligible ones: the
// count if set, otherwise ⌈n × ratio ÷ 100⌉; never more than n.
func TargetCount(p PlanInput, n int) int {
	c := p.Count
	if c <= 0 {
		c = (n*p.RatioPercent + 99) / 100
	}
	return min(c, n)
}

// Check reports why the inputs cannot be drawn (no eligible target, a
// target with fewer inspectors free of conflict than the plan sends), or nil.
// It is run when the draw is announced, so a draw once announced can always
// be carried out.
func Check(in *Inputs) error {
	targets := eligibleTargets(in)
	if TargetCount(in.Plan, len(targets)) == 0 {
		return fmt.Errorf("检查对象名录库中没有可抽取的%s（状态为正常的）", in.Plan.TargetType)
	}
	insp := eligibleInspectors(in)
	for _, t := range targets {
		if n := len(candidates(in, insp, t)); n < in.Plan.InspectorsPerTarget {
			return fmt.Errorf("检查对象 %s 只有 %d 名无需回避的在岗检查人员，少于每个对象应选派的 %d 名", t, n, in.Plan.InspectorsPerTarget)
		}
	}
	return nil
}

// candidates are the eligible inspectors who need not recuse themselves
// from target (its code is not in their 回避对象), sorted.
func candidates(in *Inputs, insp []string, target string) []string {
	conflicts := map[string][]string{}
	for _, r := range in.Inspectors.Rows {
		conflicts[r.Key] = conflictSep.Split(strings.TrimSpace(r.Fields["conflicts"]), -1)
	}
	var out []string
	for _, k := range insp {
		if !slices.Contains(conflicts[k], target) {
			out = append(out, k)
		}
	}
	return out
}

// Run carries out the draw (docs/ARCHITECTURE.md "Random inspections"):
//
//	master  = HMAC-SHA256(key = randomness, "gongkai-draw/1\n" + inputs_sha256)
//	targets = pick(stream "targets", eligible targets sorted by key, count)
//	for each drawn target t, in draw order:
//	  inspectors(t) = pick(stream "inspectors\n" + t,
//	                       active inspectors sorted by key, without those whose
//	                       回避对象 lists t, inspectors_per_target)
//
// The randomness is the 32 seed bytes (method commit) or the UTF-8 text of
// the public figure (method beacon). scripts/verify-draw does the same.
func Run(in *Inputs, revealed string) (*Outcome, error) {
	if in.Format != Format {
		return nil, fmt.Errorf("unknown draw format %q", in.Format)
	}
	key, err := randomKey(in.Random.Method, revealed)
	if err != nil {
		return nil, err
	}
	if in.Random.Method == MethodCommit {
		if c, _ := Commitment(revealed); c != in.Random.Commitment {
			return nil, fmt.Errorf("the seed does not match the commitment")
		}
	}
	for _, s := range []*Snapshot{&in.Targets, &in.Inspectors} {
		h, err := SnapshotHash(s.Rows)
		if err != nil {
			return nil, err
		}
		if h != s.SHA256 {
			return nil, fmt.Errorf("the %s snapshot does not match its hash", s.Kind)
		}
	}
	if err := Check(in); err != nil {
		return nil, err
	}
	ih, err := in.InputsHash()
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(Format + "\n" + ih))
	master := m.Sum(nil)

	names := func(s *Snapshot) map[string]string {
		out := map[string]string{}
		for _, r := range s.Rows {
			out[r.Key] = r.Fields["name"]
		}
		return out
	}
	tn, pn := names(&in.Targets), names(&in.Inspectors)
	targets := eligibleTargets(in)
	insp := eligibleInspectors(in)
	out := &Outcome{EligibleTargets: len(targets), EligibleInspectors: len(insp), Targets: []DrawnTarget{}}
	ts := &stream{master: master, label: "targets"}
	for _, t := range ts.pick(targets, TargetCount(in.Plan, len(targets))) {
		d := DrawnTarget{Key: t, Name: tn[t], Inspectors: []Person{}}
		is := &stream{master: master, label: "inspectors\n" + t}
		for _, p := range is.pick(candidates(in, insp, t), in.Plan.InspectorsPerTarget) {
			d.Inspectors = append(d.Inspectors, Person{Key: p, Name: pn[p]})
		}
		out.Targets = append(out.Targets, d)
	}
	return out, nil
}
