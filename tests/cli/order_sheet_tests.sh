#!/usr/bin/env bash
# End-to-end test of the printed order sheet (作業指令書): `ykm order sheet` writes an A4 PDF in
# Japanese whose QR code (decoded with zbarimg from zbar-tools) opens the order in the portal;
# --attach stores it with the order, audited; `ykm order attachments` lists and `ykm order
# attachment` writes it back byte for byte. Bad input exits 2 with one line naming the order or
# field and leaves no file behind.
#
#   tests/cli/order_sheet_tests.sh YKM
set -uo pipefail

ykm=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/cli/test_lib.sh
source "$here/test_lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

p=$work/town.ykm
"$ykm" demo-town -o "$p" --size small >/dev/null || { echo "FAILED: demo-town"; exit 1; }
a=$("$ykm" order create "$p" --contractor C01 --district 南西工区 --vehicles D-01 \
    --from 21:00 --to 06:00 --instructions "第1種を優先" --actor sato | sed -n 's/^order=//p')
[[ -n $a ]] || { echo "FAILED: order create"; exit 1; }
portal=https://portal.example.lg.jp

# The sheet: A4, Japanese, the order's number and roads, the QR code of its portal page.
pdf=$work/sheet.pdf
if "$ykm" order sheet "$p" "$a" -o "$pdf" --portal-url "$portal" >/dev/null; then
    pass "order sheet writes a PDF"
else
    fail "order sheet exit $?"
fi
text=$(pdftotext -enc UTF-8 "$pdf" - 2>/dev/null)
roads=$(sqlite3 "$p" "SELECT count(*) FROM order_segments s JOIN orders o ON o.id = s.order_id WHERE o.number = '$a'")
info=$(pdfinfo "$pdf" 2>/dev/null)
if grep -q "595.276 x 841.89 pts (A4)" <<<"$info" && grep -q 除雪作業指令書 <<<"$text" &&
    grep -q "$a" <<<"$text" && grep -q 第1種を優先 <<<"$text" &&
    grep -q "合計${roads}区間" <<<"$(tr -d ' \n' <<<"$text")"; then
    pass "A4 sheet in Japanese with the order $a and its $roads roads"
else
    fail "sheet text: $(head -c 400 <<<"$text")"
fi
pdftoppm -r 200 -png -f 1 -l 1 -singlefile "$pdf" "$work/page1"
qr=$(zbarimg --raw -q "$work/page1.png" 2>/dev/null)
if [[ $qr == "$portal/#/orders/$a" ]]; then
    pass "QR code opens $qr"
else
    fail "QR code: '$qr'"
fi

# Without a portal: no QR code, and the sheet says so. The project is only read.
"$ykm" order sheet "$p" "$a" -o "$work/plain.pdf" >/dev/null
pdftoppm -r 200 -png -f 1 -l 1 -singlefile "$work/plain.pdf" "$work/plain"
plain_text=$(pdftotext -enc UTF-8 "$work/plain.pdf" - 2>/dev/null)
if grep -q ポータル未設定 <<<"$plain_text" &&
    ! zbarimg --raw -q "$work/plain.png" >/dev/null 2>&1 &&
    [[ $(sqlite3 "$p" "SELECT count(*) FROM order_attachments") -eq 0 ]]; then
    pass "no portal: no QR code, ポータル未設定, nothing stored"
else
    fail "sheet without portal"
fi

# --attach: stored with the order, audited, listed and written back unchanged.
name="作業指令書-$a.pdf"
"$ykm" order sheet "$p" "$a" -o "$work/attached.pdf" --portal-url "$portal" --attach \
    --actor sato >/dev/null
listed=$("$ykm" order attachments "$p" "$a" --json)
size=$(stat -c %s "$work/attached.pdf")
if jq -e --arg name "$name" --argjson size "$size" 'length == 1 and .[0].name == $name
        and .[0].media_type == "application/pdf" and .[0].size == $size' <<<"$listed" >/dev/null; then
    pass "attachments --json lists $name ($size bytes)"
else
    fail "attachments: $listed"
fi
if "$ykm" order attachments "$p" "$a" | grep -q "$name"; then
    pass "attachments lists as text"
else
    fail "attachments text"
fi
"$ykm" order attachment "$p" "$a" "$name" -o "$work/back.pdf" >/dev/null
if cmp -s "$work/attached.pdf" "$work/back.pdf"; then
    pass "attachment written back byte for byte"
else
    fail "attachment differs"
fi
audit=$(sqlite3 "$p" "SELECT actor || ',' || channel || ',' || json_extract(detail, '$.name') FROM audit_log WHERE action = 'order.attach'")
if [[ $audit == "sato,cli,$name" ]] && "$ykm" audit verify "$p" >/dev/null; then
    pass "attachment audited ($audit), chain intact"
else
    fail "audit: $audit"
fi
# Attaching again replaces it.
"$ykm" order sheet "$p" "$a" -o "$work/again.pdf" --attach >/dev/null
if [[ $(sqlite3 "$p" "SELECT count(*) FROM order_attachments") -eq 1 &&
    $(sqlite3 "$p" "SELECT count(*) FROM audit_log WHERE action = 'order.attach'") -eq 2 ]]; then
    pass "attaching again replaces the sheet and is audited"
else
    fail "re-attach"
fi

# Bad input: exit 2, one line naming the order or the field, no file left behind.
expect_error "unknown order" 2 "order 2099-9999 does not exist" -- \
    "$ykm" order sheet "$p" 2099-9999 -o "$work/x.pdf"
expect_error "portal not http" 2 "portal URL 'ftp://portal.example.lg.jp' is not an http:// or https:// address" -- \
    "$ykm" order sheet "$p" "$a" -o "$work/x.pdf" --portal-url ftp://portal.example.lg.jp
expect_error "no output" 2 "order sheet: -o SHEET.pdf is required" -- "$ykm" order sheet "$p" "$a"
expect_error "missing order argument" 2 "order sheet PROJECT ORDER" -- \
    "$ykm" order sheet "$p" -o "$work/x.pdf"
expect_error "unwritable output" 2 "$work/none/x.pdf" -- \
    "$ykm" order sheet "$p" "$a" -o "$work/none/x.pdf"
if [[ ! -e $work/x.pdf && ! -e $work/x.pdf.partial ]]; then
    pass "no file after refused sheets"
else
    fail "a file was left behind"
fi
expect_error "unknown attachment" 2 "order $a has no attachment 'nope.pdf'" -- \
    "$ykm" order attachment "$p" "$a" nope.pdf -o "$work/y.pdf"
expect_error "attachment without output" 2 "order attachment: -o FILE is required" -- \
    "$ykm" order attachment "$p" "$a" "$name"
expect_error "attachments of unknown order" 2 "order 2099-9999 does not exist" -- \
    "$ykm" order attachments "$p" 2099-9999

summary
