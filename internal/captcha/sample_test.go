package captcha

import (
	"os"
	"testing"
)

func TestSampleImage(t *testing.T) {
	if os.Getenv("CAPTCHA_SAMPLE") == "" {
		t.Skip()
	}
	s := New(nil, nil)
	c := s.New("f", Image)
	b, _ := s.ImagePNG("f", c.Token)
	os.WriteFile(os.Getenv("CAPTCHA_SAMPLE"), b, 0o644)
	p, _ := s.parse("f", c.Token)
	t.Log(imageText(s.seed(p.nonce)), len(b))
}
