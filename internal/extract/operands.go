package extract

import "fmt"

// maxOperands bounds the operands a stream may push before an operator. The
// library's PostScript interpreter keeps them all on its stack (some 40 bytes
// each) until the next operator, where the text walk pops them: 100 MB of
// "1 1 1 …" inflated from a few hundred KB would take gigabytes. Real content
// puts a handful of operands before each operator; binary data (images)
// breaks into short runs at any letter byte.
const maxOperands = 100_000

// operandCounter is a streaming tokenizer, just precise enough to count the
// operands between operators (keywords) in a stream's bytes.
type operandCounter struct {
	state    byte // 0 between tokens, 'n' number, '/' name, 'k' keyword, '(' string, '<' hex or dict, 'h' hex, '%' comment
	depth    int  // parentheses inside a literal string
	escape   bool
	keyword  []byte
	operands int
	err      error
}

func isRegular(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ', '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return false
	}
	return true
}

func (o *operandCounter) operand() {
	if o.operands++; o.operands > maxOperands && o.err == nil {
		o.err = fmt.Errorf("%w: more than %d operands before an operator", ErrMalformed, maxOperands)
	}
}

func (o *operandCounter) endKeyword() {
	switch string(o.keyword) {
	case "true", "false", "null", "R":
		o.operand() // values, not operators ("R" ends a reference)
	default:
		o.operands = 0
	}
	o.keyword = o.keyword[:0]
}

func (o *operandCounter) Write(p []byte) (int, error) {
	for _, c := range p {
		switch o.state {
		case '(':
			switch {
			case o.escape:
				o.escape = false
			case c == '\\':
				o.escape = true
			case c == '(':
				o.depth++
			case c == ')':
				if o.depth--; o.depth < 0 {
					o.state, o.depth = 0, 0
					o.operand()
				}
			}
			continue
		case 'h':
			if c == '>' {
				o.state = 0
				o.operand()
			}
			continue
		case '%':
			if c == '\r' || c == '\n' {
				o.state = 0
			}
			continue
		case '<':
			if c == '<' { // a dictionary opens
				o.state = 0
				continue
			}
			o.state = 'h'
			if c == '>' {
				o.state = 0
				o.operand()
			}
			continue
		case 'n', '/':
			if isRegular(c) {
				continue
			}
			o.state = 0
			o.operand()
		case 'k':
			if isRegular(c) {
				if len(o.keyword) < 8 {
					o.keyword = append(o.keyword, c)
				}
				continue
			}
			o.state = 0
			o.endKeyword()
		}
		// Between tokens.
		switch {
		case c == '(':
			o.state = '('
		case c == '<':
			o.state = '<'
		case c == '/':
			o.state = '/'
		case c == '%':
			o.state = '%'
		case c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.':
			o.state = 'n'
		case isRegular(c):
			o.state = 'k'
			o.keyword = append(o.keyword[:0], c)
		}
	}
	if o.err != nil {
		return 0, o.err
	}
	return len(p), nil
}
