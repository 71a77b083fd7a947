// Package export writes an annual report (internal/annual) as PDF, DOCX and
// XLSX. Every renderer draws the same layout: Layout turns a table's blocks
// into one grid of cells with row and column spans — the template's merged
// header cells (国办公开办函〔2021〕30号, REFERENCE §2.2–2.4) and the merged
// label cells of table 三 (the level-1 and level-2 labels over consecutive
// rows with the same Section and Group, REFERENCE §2.3's rowspans 22/8/3/5/3).
package export

import (
	"sort"

	"gongkai/internal/annual"
)

// Kind is what a grid cell holds.
type Kind int

const (
	// KindHead is a header cell (a block's label row or a column heading).
	KindHead Kind = iota
	// KindLabel is a row label (level 1, 2 or 3 in table 三).
	KindLabel
	// KindNumber is a figure.
	KindNumber
)

// GCell is one drawn cell: its top-left grid position, its spans and text.
type GCell struct {
	Row, Col         int
	RowSpan, ColSpan int
	Text             string
	Kind             Kind
	// Overridden marks a figure staff replaced (with a recorded reason).
	Overridden bool
	// Key is a figure's "table/row/col" (annual's override key), empty for
	// other cells.
	Key string
}

// GRow describes one grid row.
type GRow struct {
	Head  bool // a header row (repeated after a page break)
	Block int  // the block the row belongs to
}

// Grid is a table laid out: Cols columns, len(Rows) rows, and the cells in
// row-major order of their top-left corners. Every grid position is covered
// by exactly one cell.
type Grid struct {
	Cols int
	// LabelCols is the widest block's number of label columns.
	LabelCols int
	Rows      []GRow
	Cells     []*GCell
	// at[r][c] is the cell covering (r, c).
	at    [][]*GCell
	table string
}

// At returns the cell covering row r, column c (nil outside the grid).
func (g *Grid) At(r, c int) *GCell {
	if r < 0 || r >= len(g.at) || c < 0 || c >= g.Cols {
		return nil
	}
	return g.at[r][c]
}

// HeadRows returns the grid rows of block b's header, in order.
func (g *Grid) HeadRows(b int) []int {
	var out []int
	for i, r := range g.Rows {
		if r.Head && r.Block == b {
			out = append(out, i)
		}
	}
	return out
}

// blockWidth is the number of columns a block needs by itself.
func blockWidth(b annual.Block) int {
	w := b.LabelCols + len(b.Columns)
	for _, hr := range b.Head {
		n := 0
		for _, hc := range hr {
			n += max(1, hc.ColSpan)
		}
		w = max(w, n)
	}
	return max(w, 1)
}

// Layout lays out a table's blocks one below the other in one grid as wide
// as the widest block; a narrower block's rightmost cells are widened to
// the grid's edge (table 二's blocks (五), (六), (八) have one figure column
// under one heading, merged across the three columns of block (一)).
func Layout(t *annual.Table) *Grid {
	g := &Grid{}
	if t == nil {
		return g
	}
	g.table = t.Code
	for _, b := range t.Blocks {
		g.Cols = max(g.Cols, blockWidth(b))
		g.LabelCols = max(g.LabelCols, b.LabelCols)
	}
	for bi, b := range t.Blocks {
		g.addBlock(bi, b)
	}
	g.index()
	return g
}

func (g *Grid) addBlock(bi int, b annual.Block) {
	w := blockWidth(b)
	base := len(g.Rows)
	var placed []*GCell
	// The block's label row, merged across the table.
	if b.Label != "" {
		g.Rows = append(g.Rows, GRow{Head: true, Block: bi})
		placed = append(placed, &GCell{Row: base, Col: 0, RowSpan: 1, ColSpan: w, Text: b.Label, Kind: KindHead})
	}
	// Header rows: the HTML table model — each cell takes the next free
	// position of its row, free meaning not covered by a rowspan above.
	hbase := len(g.Rows)
	occupied := map[[2]int]bool{}
	for ri, hr := range b.Head {
		g.Rows = append(g.Rows, GRow{Head: true, Block: bi})
		c := 0
		for _, hc := range hr {
			for occupied[[2]int{ri, c}] {
				c++
			}
			cs, rs := max(1, hc.ColSpan), max(1, hc.RowSpan)
			rs = min(rs, len(b.Head)-ri)
			for dr := 0; dr < rs; dr++ {
				for dc := 0; dc < cs; dc++ {
					occupied[[2]int{ri + dr, c + dc}] = true
				}
			}
			placed = append(placed, &GCell{Row: hbase + ri, Col: c, RowSpan: rs, ColSpan: cs, Text: hc.Text, Kind: KindHead})
			c += cs
		}
		// Positions no header cell covers (a short header row) get an
		// empty cell, so that the grid has no holes.
		for c := 0; c < w; c++ {
			if !occupied[[2]int{ri, c}] {
				occupied[[2]int{ri, c}] = true
				placed = append(placed, &GCell{Row: hbase + ri, Col: c, RowSpan: 1, ColSpan: 1, Kind: KindHead})
			}
		}
	}
	// Data rows. The label levels are Section, Group, Label (the ones set);
	// the last one spans the remaining label columns; a level other than
	// the last merges with the cell above when the text and everything
	// left of it are the same (the template's rowspans).
	dbase := len(g.Rows)
	type open struct {
		c    *GCell
		path string
	}
	var prev []open // per label column: the cell that may continue down
	for ri, row := range b.Rows {
		r := dbase + ri
		g.Rows = append(g.Rows, GRow{Block: bi})
		if b.LabelCols > 0 {
			levels := labelLevels(row, b.LabelCols)
			cur := make([]open, b.LabelCols)
			path := ""
			col := 0
			for li, text := range levels {
				last := li == len(levels)-1
				span := 1
				if last {
					span = b.LabelCols - col
				}
				path += "\x00" + text
				if !last && col < len(prev) && prev[col].c != nil && prev[col].path == path && prev[col].c.Row+prev[col].c.RowSpan == r {
					prev[col].c.RowSpan++
					cur[col] = prev[col]
				} else {
					c := &GCell{Row: r, Col: col, RowSpan: 1, ColSpan: span, Text: text, Kind: KindLabel}
					placed = append(placed, c)
					if !last {
						cur[col] = open{c, path}
					}
				}
				col += span
			}
			prev = cur
		}
		for ci, key := range b.Columns {
			c := &GCell{Row: r, Col: b.LabelCols + ci, RowSpan: 1, ColSpan: 1, Kind: KindNumber}
			if cell := row.Cells[key]; cell != nil {
				c.Text = cell.Value
				c.Overridden = cell.Override != nil
				c.Key = g.table + "/" + row.Key + "/" + key
			}
			placed = append(placed, c)
		}
		// A row with fewer cells than the block is wide: the last cell
		// takes the rest (a block whose header is wider than its columns).
		if used := b.LabelCols + len(b.Columns); used < w && len(placed) > 0 {
			last := placed[len(placed)-1]
			if last.Row == r {
				last.ColSpan += w - used
			}
		}
	}
	// Widen the block to the grid: cells ending at the block's right edge
	// take the remaining columns.
	if w < g.Cols {
		for _, c := range placed {
			if c.Col+c.ColSpan == w {
				c.ColSpan += g.Cols - w
			}
		}
	}
	g.Cells = append(g.Cells, placed...)
}

// labelLevels returns the row's label texts, outermost first, at most n.
func labelLevels(row *annual.Row, n int) []string {
	var lv []string
	if row.Section != "" && row.Section != row.Label {
		lv = append(lv, row.Section)
	}
	if row.Group != "" && row.Group != row.Label && row.Group != row.Section {
		lv = append(lv, row.Group)
	}
	if len(lv) > n-1 {
		lv = lv[:n-1]
	}
	return append(lv, row.Label)
}

// index fills the position index, fills holes (none in a well-formed
// table) with empty cells and sorts the cells row-major by origin.
func (g *Grid) index() {
	g.at = make([][]*GCell, len(g.Rows))
	for r := range g.at {
		g.at[r] = make([]*GCell, g.Cols)
	}
	for _, c := range g.Cells {
		for r := c.Row; r < c.Row+c.RowSpan && r < len(g.Rows); r++ {
			for k := c.Col; k < c.Col+c.ColSpan && k < g.Cols; k++ {
				if g.at[r][k] == nil {
					g.at[r][k] = c
				}
			}
		}
	}
	for r := range g.at {
		for k := range g.at[r] {
			if g.at[r][k] == nil {
				c := &GCell{Row: r, Col: k, RowSpan: 1, ColSpan: 1}
				g.at[r][k] = c
				g.Cells = append(g.Cells, c)
			}
		}
	}
	sort.SliceStable(g.Cells, func(i, j int) bool {
		a, b := g.Cells[i], g.Cells[j]
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		return a.Col < b.Col
	})
}
