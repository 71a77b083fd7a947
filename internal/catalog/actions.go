package catalog

import (
	"gongkai/internal/auth"
	"gongkai/internal/errs"
)

// Action is a step a staff member may take on an item.
type Action string

// The actions of the workflow (the ledger records them under the same names,
// except republish and revise, which see EventLabels).
const (
	ActEdit      Action = "edit"      // change an unpublished item
	ActSubmit    Action = "submit"    // send for review
	ActReturn    Action = "return"    // send back with a comment
	ActApprove   Action = "approve"   // endorse; the office then publishes
	ActPublish   Action = "publish"   // publish now
	ActSchedule  Action = "schedule"  // publish at a later time
	ActWithdraw  Action = "withdraw"  // take off the site with a public reason
	ActRepublish Action = "republish" // publish a withdrawn item again (same index number)
	ActRevise    Action = "revise"    // change a published item (new revision, change note)
	ActAttach    Action = "attach"    // add an attachment
	ActDetach    Action = "detach"    // delete an attachment
)

// editable are the statuses in which a department's editor still owns the
// item (谁起草谁公开: before submission, or after it was returned).
var editable = []string{StatusDraft, StatusReturned}

// rule is one row of the permission matrix: who (may, with the refusal's
// message) and from which statuses.
type rule struct {
	act  Action
	from []string
	may  func(u *auth.User, it *Item) string // "" when allowed, else the Forbidden message
}

func ownsDept(msg string) func(*auth.User, *Item) string {
	return func(u *auth.User, it *Item) string {
		if !u.CanEditDepartment(it.DepartmentID) {
			return msg
		}
		return ""
	}
}

func office(msg string) func(*auth.User, *Item) string {
	return func(u *auth.User, it *Item) string {
		if !u.CanPublish() {
			return msg
		}
		return ""
	}
}

// editorBefore refuses editors once the item has left their hands.
func editorBefore(u *auth.User, it *Item) bool {
	return u.Role != auth.Editor || has(editable, it.Status)
}

// matrix is the workflow permission matrix. The back office, the API and the
// templates ask Actions; the domain steps enforce the same rows (allow).
var matrix = []rule{
	{ActEdit, []string{StatusDraft, StatusReturned, StatusSubmitted, StatusReviewed, StatusScheduled}, func(u *auth.User, it *Item) string {
		if !u.CanEditDepartment(it.DepartmentID) {
			return "您无权修改其他科室的信息（谁起草谁公开）"
		}
		if !editorBefore(u, it) {
			return "信息已提交或已发布，科室编辑不能再修改；如需修改请联系政务公开办公室"
		}
		return ""
	}},
	{ActSubmit, editable, ownsDept("只能提交本科室的信息")},
	{ActReturn, []string{StatusSubmitted, StatusReviewed}, func(u *auth.User, it *Item) string {
		if !u.CanReviewDepartment(it.DepartmentID) {
			return "您无权审核该科室的信息"
		}
		return ""
	}},
	{ActApprove, []string{StatusSubmitted}, func(u *auth.User, it *Item) string {
		if !u.CanReviewDepartment(it.DepartmentID) {
			return "您无权审核该科室的信息"
		}
		return ""
	}},
	{ActPublish, []string{StatusSubmitted, StatusReviewed, StatusScheduled}, office("只有政务公开办公室可以发布信息")},
	{ActSchedule, []string{StatusSubmitted, StatusReviewed}, office("只有政务公开办公室可以发布信息")},
	{ActWithdraw, []string{StatusPublished, StatusScheduled}, office("只有政务公开办公室可以撤回信息")},
	{ActRepublish, []string{StatusWithdrawn}, office("只有政务公开办公室可以重新发布已撤回的信息")},
	{ActRevise, []string{StatusPublished}, func(u *auth.User, it *Item) string {
		if u.Role == auth.Editor {
			return "信息已提交或已发布，科室编辑不能再修改；如需修改请联系政务公开办公室"
		}
		return ownsDept("您无权修改其他科室的信息（谁起草谁公开）")(u, it)
	}},
	{ActAttach, []string{StatusDraft, StatusReturned, StatusSubmitted, StatusReviewed, StatusScheduled, StatusPublished}, files},
	{ActDetach, []string{StatusDraft, StatusReturned, StatusSubmitted, StatusReviewed, StatusScheduled, StatusPublished}, files},
}

func files(u *auth.User, it *Item) string {
	if !u.CanEditDepartment(it.DepartmentID) {
		return "您无权修改其他科室的信息"
	}
	if !editorBefore(u, it) {
		return "信息已提交或已发布，科室编辑不能再修改附件"
	}
	return ""
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func ruleOf(act Action) *rule {
	for i := range matrix {
		if matrix[i].act == act {
			return &matrix[i]
		}
	}
	return nil
}

// allow reports whether u may take act on it now: nil, a Forbidden error
// (who) or a Conflict error (the item's status), with the message to show.
func allow(u *auth.User, it *Item, act Action) error {
	r := ruleOf(act)
	if r == nil {
		return errs.E(errs.NotFound, "未知操作")
	}
	if u == nil || !u.ServesSite(it.SiteID) {
		return errs.E(errs.Forbidden, "您没有本站点的权限")
	}
	if msg := r.may(u, it); msg != "" {
		return errs.E(errs.Forbidden, "%s", msg)
	}
	if !has(r.from, it.Status) {
		label := EventLabels[string(act)]
		if label == "" {
			label = string(act)
		}
		return errs.E(errs.Conflict, "信息当前状态为“%s”，不能%s", StatusLabels[it.Status], label)
	}
	return nil
}

// Allow is allow for callers outside the package: nil when u may take act on it.
func Allow(u *auth.User, it *Item, act Action) error { return allow(u, it, act) }

// ItemActions says which actions a user may take on an item now.
type ItemActions struct {
	Edit, Submit, Return, Approve, Publish, Schedule, Withdraw, Republish, Revise, Attach, Detach bool
}

// Actions evaluates the permission matrix for u on it (nil u: the public,
// who may do nothing).
func Actions(u *auth.User, it *Item) ItemActions {
	ok := func(a Action) bool { return u != nil && allow(u, it, a) == nil }
	return ItemActions{Edit: ok(ActEdit), Submit: ok(ActSubmit), Return: ok(ActReturn), Approve: ok(ActApprove), Publish: ok(ActPublish),
		Schedule: ok(ActSchedule), Withdraw: ok(ActWithdraw), Republish: ok(ActRepublish), Revise: ok(ActRevise), Attach: ok(ActAttach),
		Detach: ok(ActDetach)}
}

// CanView reports whether u (nil: the public) may see it. Published items
// are public; anything else only to its own department's editors, the
// reviewers of its department, the office and the administrator of its site.
func CanView(u *auth.User, it *Item) bool {
	if it.Public() {
		return true
	}
	return u != nil && u.ServesSite(it.SiteID) && (u.CanEditDepartment(it.DepartmentID) || u.CanReviewDepartment(it.DepartmentID))
}
