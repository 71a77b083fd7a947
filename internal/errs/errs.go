// Package errs is the one error type of gongkai: a code that maps to a status,
// a message safe to show users (Chinese), optional per-field messages for
// forms, and the wrapped cause for the log.
package errs

import (
	"errors"
	"fmt"
)

// Code classifies an error; each surface maps codes to statuses in one table.
type Code string

const (
	NotFound     Code = "not_found"
	Invalid      Code = "invalid"
	Conflict     Code = "conflict"
	Forbidden    Code = "forbidden"
	Unauthorized Code = "unauthorized"
	TooMany      Code = "too_many_requests"
	// BadMethod is a known path asked with a method it does not serve.
	BadMethod Code = "method_not_allowed"
	// Gone is a record that existed and was withdrawn from public view.
	Gone     Code = "gone"
	Internal Code = "internal"
)

// Error is an error with a user-safe message.
type Error struct {
	Code    Code
	Message string
	// Fields holds per-field messages for forms, keyed by field name.
	Fields map[string]string
	Err    error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an error with code and message.
func E(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap wraps a cause as an internal error with a generic message.
func Wrap(err error, context string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Code: Internal, Message: "服务器内部错误，请稍后再试", Err: fmt.Errorf("%s: %w", context, err)}
}

// CodeOf returns the code of err, Internal for foreign errors.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// MessageOf returns the user-safe message of err.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "服务器内部错误，请稍后再试"
}

// FieldsOf returns the per-field messages of err, if any.
func FieldsOf(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Validation collects per-field messages; Err returns nil when there are none.
type Validation map[string]string

// Add records msg for field unless the field already has a message.
func (v Validation) Add(field, msg string) {
	if _, ok := v[field]; !ok {
		v[field] = msg
	}
}

// Err returns an Invalid error listing the fields, or nil.
func (v Validation) Err() error {
	if len(v) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "提交的内容有误，请按提示修改", Fields: v}
}

// MessageOrText returns the user message of err with its field messages,
// or the plain error text for foreign errors (for the command line).
func MessageOrText(err error) string {
	var e *Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	msg := e.Message
	for k, v := range e.Fields {
		msg += fmt.Sprintf("\n  %s: %s", k, v)
	}
	if e.Code == Internal && e.Err != nil {
		msg += "\n  " + e.Err.Error()
	}
	return msg
}
