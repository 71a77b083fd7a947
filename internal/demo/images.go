package demo

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"math"

	"gongkai/internal/auth"
	"gongkai/internal/blob"
	"gongkai/internal/catalog"
)

// The demo's site images, drawn here (no binary files in the repository):
// a red emblem with a gold star, and badges shaped like the 党政机关网站标识
// and the 公安备案 icon. A real site uploads its own in 站点设置.

// star reports whether (x, y) lies in the five-pointed star of outer radius
// r centred on (cx, cy), point up.
func star(x, y, cx, cy, r float64) bool {
	// A point is inside when it is inside the inner pentagon, or inside
	// one of the five triangles on its sides: test against the ten edges
	// with the even-odd rule.
	var pts [10][2]float64
	for i := range pts {
		rad := r
		if i%2 == 1 {
			rad = r * 0.382
		}
		a := -math.Pi/2 + float64(i)*math.Pi/5
		pts[i] = [2]float64{cx + rad*math.Cos(a), cy + rad*math.Sin(a)}
	}
	in := false
	for i, j := 0, len(pts)-1; i < len(pts); j, i = i, i+1 {
		xi, yi, xj, yj := pts[i][0], pts[i][1], pts[j][0], pts[j][1]
		if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}

func encodePNG(img image.Image) []byte {
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

var (
	red  = color.RGBA{0xc8, 0x10, 0x2e, 0xff}
	gold = color.RGBA{0xf5, 0xc2, 0x42, 0xff}
	blue = color.RGBA{0x1d, 0x4e, 0x9e, 0xff}
)

// emblemPNG: a red disc with a gold ring and star, 96 px square.
func emblemPNG() []byte {
	const n = 96
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	c := float64(n) / 2
	for y := range n {
		for x := range n {
			fx, fy := float64(x)+.5, float64(y)+.5
			d := math.Hypot(fx-c, fy-c)
			switch {
			case d > c:
			case d > c-5:
				img.Set(x, y, gold)
			case star(fx, fy, c, c+2, c*0.62):
				img.Set(x, y, gold)
			default:
				img.Set(x, y, red)
			}
		}
	}
	return encodePNG(img)
}

// conacPNG: the badge's red shield with a white star, 110×128 px.
func conacPNG() []byte {
	const w, h = 110, 128
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			fx, fy := float64(x)+.5, float64(y)+.5
			// A rectangle top with a rounded bottom.
			inside := fy < 70 || math.Hypot(fx-w/2, (fy-70)*1.1) < w/2
			if !inside || fx < 4 || fx > w-4 || fy < 4 {
				continue
			}
			if star(fx, fy, w/2, 58, 34) {
				img.Set(x, y, color.White)
			} else {
				img.Set(x, y, red)
			}
		}
	}
	return encodePNG(img)
}

// psbPNG: a small blue shield with a gold star, 40 px square.
func psbPNG() []byte {
	const n = 40
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	for y := range n {
		for x := range n {
			fx, fy := float64(x)+.5, float64(y)+.5
			inside := (fy > 3 && fy < 22 && fx > 5 && fx < n-5) || (fy >= 22 && math.Abs(fx-n/2) < (n/2-5)*(1-(fy-22)/16))
			if !inside {
				continue
			}
			if star(fx, fy, n/2, 18, 9) {
				img.Set(x, y, gold)
			} else {
				img.Set(x, y, blue)
			}
		}
	}
	return encodePNG(img)
}

// loadImages stores the demo's site images and names them in the settings.
func loadImages(ctx context.Context, cat *catalog.Service, blobs *blob.Store, admin *auth.User, site *catalog.Site) error {
	st := site.Settings
	for _, im := range []struct {
		name string
		data []byte
		key  *string
	}{{"emblem.png", emblemPNG(), &st.Emblem}, {"conac.png", conacPNG(), &st.ConacBadge}, {"psb.png", psbPNG(), &st.PSBBadge}} {
		b, err := blobs.Put(ctx, bytes.NewReader(im.data), im.name, 1<<20)
		if err != nil {
			return err
		}
		*im.key = b.Key
	}
	if err := cat.UpdateSettings(ctx, admin, site.ID, site.Name, st); err != nil {
		return err
	}
	site.Settings = st
	return nil
}
