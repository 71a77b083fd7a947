package lists

import "slices"

// Diff is the difference between two editions: rows added, removed and
// changed (matched by key), with the changed fields.
type Diff struct {
	Added   []Row
	Removed []Row
	Changed []Change
}

// Change is a row present in both editions with different values.
type Change struct {
	Key    string
	Title  string
	From   Row
	To     Row
	Fields []FieldChange
}

// FieldChange is one changed field, in canonical values.
type FieldChange struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// Empty reports whether the editions hold the same rows.
func (d Diff) Empty() bool { return len(d.Added)+len(d.Removed)+len(d.Changed) == 0 }

func (k *Kind) diff(from, to []Row) Diff {
	var d Diff
	old := make(map[string]Row, len(from))
	for _, r := range from {
		old[r.Key] = r
	}
	now := make(map[string]bool, len(to))
	for _, r := range to {
		now[r.Key] = true
		o, ok := old[r.Key]
		if !ok {
			d.Added = append(d.Added, r)
			continue
		}
		var fc []FieldChange
		for _, f := range k.Fields {
			if a, b := o.Values[f.Name], r.Values[f.Name]; a != b {
				fc = append(fc, FieldChange{Name: f.Name, Label: f.Label, From: a, To: b})
			}
		}
		if len(fc) > 0 {
			d.Changed = append(d.Changed, Change{Key: r.Key, Title: r.Title, From: o, To: r, Fields: fc})
		}
	}
	for _, r := range from {
		if !now[r.Key] {
			d.Removed = append(d.Removed, r)
		}
	}
	slices.SortStableFunc(d.Removed, func(a, b Row) int { return a.Seq - b.Seq })
	return d
}

// Diff compares two editions' rows.
func (k *Kind) Diff(from, to []Row) Diff { return k.diff(from, to) }
