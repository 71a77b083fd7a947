// Package letter makes the numbered notice letters (告知书) of disclosure on
// request (依申请公开, issue 9): one decision letter per reply category of the
// annual report's table 三 (REFERENCE §2.3), the 非本机关 letter, and the
// procedural notices, as an HTML fragment and as an A4 PDF with an embedded
// Chinese font. It knows no HTTP and no database: the request desk
// (internal/request) fills in a Letter from its records and renders it.
//
// # What the caller fills in
//
// A Letter: Kind (the template), Number (编号; FormatNumber("临司依申", 2025,
// 12) gives 临司依申〔2025〕第12号 — allocating the sequence is the caller's
// job), Applicant (the name as addressed), ReceivedOn (收到申请之日 as the
// ledger fixed it, 条例第三十一条), Summary (what was asked), IssuedOn, Agency
// (name, address, postcode, phone, contact person) and, by kind:
//
//   - decision letters (the 21 category codes of Categories(), KindPublished
//     and KindOtherAgency): Investigation (调查结果) and Answer (答复) are
//     required; PolicyBasis (政策依据) is optional; LegalBasis overrides the
//     category's default basis (required for other.3, which has none);
//     Attachments lists what is provided; Remedies (行政复议机关 and period,
//     court and lawsuit period) is required — the periods are configuration
//     because REFERENCE names none (DefaultRemedyPeriods: 六十日 / 六个月,
//     UNVERIFIED); OtherAgency optionally names the responsible agency;
//   - KindCorrection (补正告知书, 条例第三十条): Correction{Items (every matter,
//     all in one notice), DueOn}; Answer may carry guidance (指导和释明). The
//     7-working-day limit for sending it is the ledger's rule, not checked here;
//   - KindExtension (延期答复告知书, 第三十三条第二款): Extension{Days (1–20),
//     DueOn (computed on the working-day calendar), Reason};
//   - KindConsultation (征求第三方意见书, 第三十二条) and
//     KindAgencyConsultation (征求意见函, 第三十四条): Consultation{Party (the
//     addressee), optional ReplyBy (the 15th working day), Questions};
//     Applicant may be empty and is never named to the party;
//   - KindThirdPartyDecision (公开决定告知书 to the third party, 第三十二条:
//     disclosure over its objection in the public interest):
//     Consultation{Party, Disclosed (the content)}, Answer (the reasons) and
//     Remedies (the third party's);
//   - KindFee (收费通知书, 第四十二条, 国办函〔2020〕109号): Fee from
//     ComputeFeePerRequest(ordinal in the applicant's calendar month, count)
//     or ComputeFeePerPage(pages), then its HowToPay (required) and optional
//     PayBy (20 working days from the day after receipt). The notice prints
//     the scale, every band's units, rate and subtotal, and the total; a fee
//     that does not match the scale, or is zero, is refused.
//
// Text fields are plain text: newlines start paragraphs; HTML is escaped.
//
// # Functions
//
//   - Validate (method) checks a Letter; every renderer calls it first. Bad
//     input is an errs.Invalid error whose Fields map field names
//     ("applicant", "kind", "extension.days", …) to Chinese messages, and
//     nothing is written.
//   - Compose(l) (Document, error): the letter as plain text blocks (title,
//     number, addressee, paragraphs, attachments, signer, date, contacts,
//     the legal basis cited) — to store, index or show as text.
//   - RenderHTML(w, l) / HTML(l): an <article class="gk-letter"> fragment
//     (title as h2, sections as h3) for a page to embed; style it with CSS
//     (screen and A4 print), served as a file since the site's CSP forbids
//     inline styles.
//   - RenderPDF(w, l) / PDF(l): A4 PDF after GB/T 9704-2012 (margins, 16 pt
//     body at 22 lines a page, centred title and number, Chinese line breaking
//     without overflow and without closing punctuation at a line's start,
//     page breaks, page numbers "— N —", the agency and date at the end).
//     A character the embedded font lacks (a rare name character of CJK
//     Extension A/B, an emoji) is refused with errs.Invalid naming it
//     (field "pdf"), since it would print blank; the HTML shows it.
//     About 20 ms a letter; the font (WenQuanYi Micro Hei, embedded, see
//     package font) is parsed once per process (≈ 10 ms) and safe to share
//     between goroutines.
//   - KindFor(decision, reason): the kind of a ledger reply such as
//     ("withheld", "3") → withheld.3.
//   - Categories(), CategoryOf(code): the reply categories with the §2.3
//     row name and the default legal basis; Verified is false where
//     REFERENCE marks the row↔article mapping UNVERIFIED (show it for review).
//   - Templates(), Kinds(): the default wording (templates.go, text/template
//     sources: edit wording there); NewSet(templates) builds a site's own
//     set, whose methods are the same renderers.
//   - Sample(kind): a filled-in example letter (previews, tests, benchmarks;
//     `gongkai letter --kind withheld.3 > x.pdf`).
package letter
