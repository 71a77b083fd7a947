package captcha

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"strings"
)

// charset holds the characters of image challenges: no 0/O, 1/I/L-like,
// 8/B or S/5 pairs that people confuse (and that a lenient comparison
// would have to merge).
const charset = "234679ACEFHJKMNPRTUVWXY"

// Image size in pixels.
const (
	ImageWidth  = 240
	ImageHeight = 80
)

type pt struct{ x, y float64 }

// glyphs are our own stroke drawings of charset, polylines in a unit box
// (y down). Drawn thick, each one transformed afresh per challenge, they
// vary more than a font would, and need no font file.
var glyphs = map[byte][][]pt{
	'2': {{{0, .25}, {.2, .05}, {.5, 0}, {.8, .05}, {1, .25}, {.95, .45}, {0, 1}, {1, 1}}},
	'3': {{{0, .1}, {.5, 0}, {1, .2}, {.9, .4}, {.4, .5}}, {{.4, .5}, {.95, .6}, {1, .85}, {.5, 1}, {0, .9}}},
	'4': {{{.75, 1}, {.75, 0}, {0, .7}, {1, .7}}},
	'6': {{{.9, .05}, {.5, 0}, {.1, .25}, {0, .65}, {.2, .95}, {.6, 1}, {.95, .8}, {.9, .55}, {.5, .45}, {.1, .6}}},
	'7': {{{0, 0}, {1, 0}, {.4, 1}}},
	'9': {{{.9, .4}, {.5, .55}, {.1, .4}, {.05, .15}, {.4, 0}, {.85, .1}, {1, .4}, {.9, .75}, {.5, 1}, {.1, .95}}},
	'A': {{{0, 1}, {.5, 0}, {1, 1}}, {{.2, .62}, {.8, .62}}},
	'C': {{{1, .15}, {.6, 0}, {.2, .1}, {0, .5}, {.2, .9}, {.6, 1}, {1, .85}}},
	'E': {{{1, 0}, {0, 0}, {0, 1}, {1, 1}}, {{0, .5}, {.75, .5}}},
	'F': {{{1, 0}, {0, 0}, {0, 1}}, {{0, .5}, {.75, .5}}},
	'H': {{{0, 0}, {0, 1}}, {{1, 0}, {1, 1}}, {{0, .5}, {1, .5}}},
	'J': {{{1, 0}, {1, .75}, {.7, 1}, {.3, 1}, {0, .75}}},
	'K': {{{0, 0}, {0, 1}}, {{1, 0}, {0, .6}}, {{.3, .4}, {1, 1}}},
	'M': {{{0, 1}, {0, 0}, {.5, .6}, {1, 0}, {1, 1}}},
	'N': {{{0, 1}, {0, 0}, {1, 1}, {1, 0}}},
	'P': {{{0, 1}, {0, 0}, {.7, 0}, {1, .2}, {.7, .5}, {0, .5}}},
	'R': {{{0, 1}, {0, 0}, {.7, 0}, {1, .2}, {.7, .5}, {0, .5}}, {{.5, .5}, {1, 1}}},
	'T': {{{0, 0}, {1, 0}}, {{.5, 0}, {.5, 1}}},
	'U': {{{0, 0}, {0, .7}, {.3, 1}, {.7, 1}, {1, .7}, {1, 0}}},
	'V': {{{0, 0}, {.5, 1}, {1, 0}}},
	'W': {{{0, 0}, {.25, 1}, {.5, .4}, {.75, 1}, {1, 0}}},
	'X': {{{0, 0}, {1, 1}}, {{1, 0}, {0, 1}}},
	'Y': {{{0, 0}, {.5, .5}, {1, 0}}, {{.5, .5}, {.5, 1}}},
}

// imageText is the answer of an image challenge with seed, in normalised
// (lower) case.
func imageText(seed []byte) string {
	var b strings.Builder
	for i := range answerLen {
		b.WriteByte(charset[int(seed[i])%len(charset)])
	}
	return strings.ToLower(b.String())
}

// mask is a coverage map being drawn.
type mask struct {
	w, h int
	a    []float64
}

func (m *mask) disc(cx, cy, r float64) {
	x0, x1 := max(int(cx-r-1), 0), min(int(cx+r+1), m.w-1)
	y0, y1 := max(int(cy-r-1), 0), min(int(cy+r+1), m.h-1)
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			d := math.Hypot(float64(x)+.5-cx, float64(y)+.5-cy)
			if c := r + .5 - d; c > 0 {
				i := y*m.w + x
				m.a[i] = max(m.a[i], min(c, 1))
			}
		}
	}
}

func (m *mask) line(a, b pt, r float64) {
	n := int(math.Hypot(b.x-a.x, b.y-a.y)*2) + 1
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		m.disc(a.x+(b.x-a.x)*t, a.y+(b.y-a.y)*t, r)
	}
}

func (m *mask) at(x, y float64) float64 {
	xi, yi := int(math.Floor(x)), int(math.Floor(y))
	if xi < 0 || yi < 0 || xi >= m.w || yi >= m.h {
		return 0
	}
	return m.a[yi*m.w+xi]
}

// drawPNG draws the challenge of seed. The drawing is a function of the
// seed alone, so fetching one challenge many times gives the same image
// (no averaging of independent noise).
func drawPNG(seed []byte) ([]byte, error) {
	var key [32]byte
	copy(key[:], seed)
	key[31] ^= 0x5a // a stream apart from the answer's bytes
	rng := rand.New(rand.NewChaCha8(key))
	u := func(lo, hi float64) float64 { return lo + rng.Float64()*(hi-lo) }

	m := &mask{w: ImageWidth, h: ImageHeight, a: make([]float64, ImageWidth*ImageHeight)}
	text := strings.ToUpper(imageText(seed))
	cell := float64(ImageWidth-30) / answerLen
	for i := range answerLen {
		g := glyphs[text[i]]
		w, h := u(22, 30), u(40, 54)
		cx, cy := 15+cell*(float64(i)+.5)+u(-5, 5), ImageHeight/2+u(-8, 8)
		rot, shear := u(-.25, .25), u(-.2, .2)
		sin, cos := math.Sincos(rot)
		r := u(2.4, 3.4)
		tr := func(p pt) pt {
			x := (p.x+u(-.03, .03)-.5)*w + (p.y-.5)*h*shear
			y := (p.y + u(-.03, .03) - .5) * h
			return pt{cx + x*cos - y*sin, cy + x*sin + y*cos}
		}
		for _, stroke := range g {
			prev := tr(stroke[0])
			for _, p := range stroke[1:] {
				next := tr(p)
				m.line(prev, next, r)
				prev = next
			}
		}
	}
	// Noise strokes of the same colour and width as the glyphs, crossing
	// them, so that colour or thickness does not separate them.
	for range 2 {
		amp, per, ph, y0, slope := u(4, 12), u(40, 120), u(0, 2*math.Pi), u(15, ImageHeight-15), u(-.2, .2)
		r := u(1, 1.6)
		prev := pt{0, y0}
		for x := 4.0; x <= ImageWidth; x += 4 {
			next := pt{x, y0 + slope*x + amp*math.Sin(2*math.Pi*x/per+ph)}
			m.line(prev, next, r)
			prev = next
		}
	}
	for range 90 {
		m.disc(u(0, ImageWidth), u(0, ImageHeight), u(.5, 1.2))
	}

	// Warp the whole drawing with two sine waves, then colour it: ink in
	// shades that drift across the image over a speckled background.
	ax, px, fx := u(1.5, 3), u(40, 70), u(0, 2*math.Pi)
	ay, py, fy := u(1.5, 3.5), u(60, 120), u(0, 2*math.Pi)
	img := image.NewNRGBA(image.Rect(0, 0, ImageWidth, ImageHeight))
	bg := color.NRGBA{uint8(u(225, 250)), uint8(u(225, 250)), uint8(u(225, 250)), 255}
	ink0 := [3]float64{u(10, 60), u(10, 60), u(40, 110)}
	ink1 := [3]float64{u(40, 100), u(10, 50), u(10, 60)}
	for y := range ImageHeight {
		for x := range ImageWidth {
			sx := float64(x) + ax*math.Sin(2*math.Pi*float64(y)/px+fx)
			sy := float64(y) + ay*math.Sin(2*math.Pi*float64(x)/py+fy)
			c := m.at(sx, sy)
			t := float64(x) / ImageWidth
			n := u(-8, 8)
			pix := func(i int, b uint8) uint8 {
				ink := ink0[i]*(1-t) + ink1[i]*t
				v := float64(b)*(1-c) + ink*c + n
				return uint8(min(max(v, 0), 255))
			}
			img.SetNRGBA(x, y, color.NRGBA{pix(0, bg.R), pix(1, bg.G), pix(2, bg.B), 255})
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
