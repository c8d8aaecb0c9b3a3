"""Text repairs, in the manner of ftfy: each one a small named pure function, one pipeline applying them.

A line repair takes a line and returns ``(new_line, how_many_fixes)``; it never changes the number of
lines, so every cleaned line still maps to its raw line number. ``repair_line`` applies them in order
and reports which fired. Damage that cannot be undone (a digit that became ``?``, GBK mojibake) is
flagged with ``find_lost_text`` and left visible: repairs restore what is knowable and invent nothing.

Paragraph-level repairs (``rejoin_wrapped_lines``) work on the lines of one article after splitting.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from five_star.store.segment import tokenizer

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = f"[{CJK}]"
_FULLWIDTH_PUNCT = "，。、；：？！“”‘’（）《》【】…—·"
_SENTENCE_END = "。！？!?…；"
_CLOSERS = "”’）)」』》】"
_TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"

# --- HTML tags left in text pages: <p class="ql-block">…</p> -------------------------------------------

# Only real tag names with attribute-shaped insides: '< 5%', '<<新闻联播>>' and 'x<b 且 y>c' are text, not markup.
_BLOCK_TAG_NAMES = "p|div|br|li|ul|ol|h[1-6]|section|article|blockquote|table|tbody|thead|tr|td|th|hr|figure|figcaption|header|footer|center|dl|dt|dd|pre"
_INLINE_TAG_NAMES = "span|strong|b|i|em|u|font|a|img|sup|sub|small|big|label|mark|s|strike|ins|del|abbr|code"
_TAG_INSIDE = r"""(?:\s+[A-Za-z_:][-A-Za-z0-9_:.]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>`=]+))?)*\s*/?>"""
_HTML_TAG = re.compile(
    rf"(?P<block></?(?:{_BLOCK_TAG_NAMES}){_TAG_INSIDE})|</?(?:{_INLINE_TAG_NAMES}){_TAG_INSIDE}|<!--.*?-->",
    re.IGNORECASE,
)
# Named and numeric references with their semicolon; html.unescape alone would also turn a bare '&copy' into ©.
_HTML_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_SPACE_RUN = re.compile(r"  +")
# What a reference may spell but a line may not hold: line breaks (&#10; would split the line, and line
# numbers must match the source), other control characters, and the marks that reorder text on screen.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def strip_html_tags(line: str) -> tuple[str, int]:
    """'<p class="ql-block">投资985万元&nbsp;</p>' → '投资985万元\xa0': markup a scraper kept (meipian pages keep
    every paragraph of an article on one line). A block tag becomes a space, so paragraphs it separated do not
    run into one word; the line stays one line, so line numbers still match the source."""
    if "<" not in line and "&" not in line:
        return line, 0
    line, tags = _HTML_TAG.subn(lambda m: " " if m.group("block") else "", line)
    line, entities = _HTML_ENTITY.subn(lambda m: _UNSAFE.sub(" ", html.unescape(m.group(0))), line)
    if tags:
        line = _SPACE_RUN.sub(" ", line).strip(" ")
    return line, tags + entities


# --- pinyin annotations: 鄉(xiāng) ---------------------------------------------------------------

# A converter's annotation carries a tone mark or is a whole syllable; a lone letter is an enumeration, '(a)'.
_PINYIN_SYLLABLE = rf"(?:[a-z{_TONE_VOWELS}]*[{_TONE_VOWELS}][a-z{_TONE_VOWELS}]*|[a-z]{{2,6}})"
_PINYIN_ANNOTATION = re.compile(
    rf"(?<={_CJK_CHAR})[(（]{_PINYIN_SYLLABLE}[)）]"
    # after mojibake the annotated character may be garbage ("B(tài)"); then insist on a tone mark
    rf"|(?<=[^\s(（])[(（](?=[a-z{_TONE_VOWELS}]*[{_TONE_VOWELS}]){_PINYIN_SYLLABLE}[)）]"
)
# A mangled annotation whose "(" became "?": 黑龍?zhí)舵?zhèn) — the syllable must carry a tone mark,
# so an English word after a stray "?" is never taken for pinyin.
_PINYIN_LOST_PAREN = re.compile(
    rf"\?(?=[a-z{_TONE_VOWELS}]*[{_TONE_VOWELS}])[a-z{_TONE_VOWELS}]{{1,6}}[)）]"
)


def remove_pinyin_annotations(line: str) -> tuple[str, int]:
    """Drop pinyin glued after characters by a converter: 鄉(xiāng) → 鄉."""
    if ")" not in line and "）" not in line:
        return line, 0
    line, damaged = _PINYIN_LOST_PAREN.subn("", line)
    line, clean = _PINYIN_ANNOTATION.subn("", line)
    return line, damaged + clean


# --- traditional → simplified ------------------------------------------------------------------


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # lazy for start-up time: only extracting pages needs it, not browsing or searching


    return opencc.OpenCC("t2s")


def to_simplified(line: str) -> tuple[str, int]:
    """Traditional → simplified with OpenCC; counts changed characters."""
    converted = _t2s().convert(line)
    if converted == line:
        return line, 0
    changed = sum(1 for a, b in zip(line, converted, strict=True) if a != b) if len(line) == len(converted) else 1
    return converted, changed


# --- U+FFFD and '?' artifacts --------------------------------------------------------------------

_LEADING_LOST = re.compile(r"^[ \t\u3000]*[?\ufffd]+")
_REPLACEMENT_RUN = re.compile(r"\ufffd+")


def remove_lost_indent(line: str) -> tuple[str, int]:
    """'????盛夏時節' / '������本报讯': a converter's lost full-width indent at the start of a line."""
    if "?" not in line and "\ufffd" not in line:
        return line, 0
    match = _LEADING_LOST.match(line)
    if not match:
        return line, 0
    return line[match.end():], 1


def remove_replacement_chars(line: str) -> tuple[str, int]:
    """U+FFFD runs left inside a line stand for lost spaces; keep a space only between words."""
    if "\ufffd" not in line:
        return line, 0
    return _REPLACEMENT_RUN.subn(" ", line)


_QUESTION_WORDS = re.compile(r"(如何|怎么|怎样|什么|为何|为什么|是否|多少|哪|谁|吗|呢|几时|难道|何不|可否)")
# Where each question word starts (overlapping ones too: 为什么 holds 什么), found in one pass.
_QUESTION_WORD_STARTS = re.compile(f"(?={_QUESTION_WORDS.pattern})")
_CLAUSE_BREAK = re.compile(r'[，。,；;！!？]')
_MOJIBAKE_START = re.compile(r"\?!")
_STRAY_QUESTION_MARKS = re.compile(r"\?+(?![0-9])")


def restore_question_marks(line: str) -> tuple[str, int]:
    """A '?' closing a real question (如何爭創?) becomes '？'; other '?' are left to later repairs.

    A '?' is a question's when a question word starts in its clause (since the last clause break). The
    words hold no punctuation, so one that starts in the clause also ends there, before the '?'. One
    forward walk over the line finds them all: a line of a million '?' costs no more than its length.
    """
    if "?" not in line:
        return line, 0
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(line)]
    words = [m.start() for m in _QUESTION_WORD_STARTS.finditer(line)]
    count = 0
    out = []
    last = 0
    next_break = next_word = 0
    clause_start = 0
    last_word = -1  # where the last question word before the '?' starts
    for match in re.finditer(r"\?(?![!0-9])", line):
        at = match.start()
        while next_break < len(breaks) and breaks[next_break] < at:
            clause_start = breaks[next_break] + 1
            next_break += 1
        while next_word < len(words) and words[next_word] < at:
            last_word = words[next_word]
            next_word += 1
        if last_word >= clause_start:
            out.append(line[last:at] + "？")
            last = match.end()
            count += 1
    out.append(line[last:])
    return "".join(out), count


def restore_mojibake_stops(line: str) -> tuple[str, int]:
    """'图景?!敖衲甏…': GBK mojibake of '。“'/'。”' — the sentence end is certain, the quote is not."""
    return _MOJIBAKE_START.subn("。", line)


def restore_lost_spaces(line: str) -> tuple[str, int]:
    """Remaining '?' between words were spaces (本報記者?盧松); at the end of a line they were nothing."""
    if "?" not in line:
        return line, 0
    return _STRAY_QUESTION_MARKS.subn(lambda m: "" if m.end() == len(line) else " ", line)


# --- doubled characters from bold PDF text ----------------------------------------------------------

# Four or more doubled characters in a row (志志愿愿者者为为) is bold-type duplication; real reduplication
# (谢谢, 星星, 红红火火, 久久为功) never reaches four pairs.
_DOUBLED_RUN = re.compile(r"((.)\2){4,}")


def collapse_doubled_chars(line: str) -> tuple[str, int]:
    return _DOUBLED_RUN.subn(lambda m: m.group(0)[::2], line)


# --- spaces and half-width punctuation ----------------------------------------------------------------

_SPACE = r"[ \t\u3000\u00a0]+"
_NUMBER_CJK_SPACE = re.compile(rf"(?<=[0-9%])({_SPACE})(?={_CJK_CHAR})|(?<={_CJK_CHAR})({_SPACE})(?=[0-9])")
_PUNCT_SPACE = re.compile(rf"{_SPACE}(?=[{_FULLWIDTH_PUNCT}])|(?<=[{_FULLWIDTH_PUNCT}]){_SPACE}")
_HAS_SPACE = re.compile(r"[ \t\u3000\u00a0]")
_HAS_HALFWIDTH = re.compile(r"[,;:!]")
_HALFWIDTH = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_HALFWIDTH_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}{_CLOSERS}])([,;:!])(?=[{CJK}“‘（(])")


def remove_number_spaces(line: str) -> tuple[str, int]:
    """'2023 年' → '2023年', '示范区 23 个' → '示范区23个': PDF text spaces out every number."""
    if not _HAS_SPACE.search(line):
        return line, 0
    return _NUMBER_CJK_SPACE.subn("", line)


def remove_punctuation_spaces(line: str) -> tuple[str, int]:
    """'党员干部， 坚持' / '重点工作 、发展': spaces next to full-width punctuation are layout debris."""
    if not _HAS_SPACE.search(line):
        return line, 0
    return _PUNCT_SPACE.subn("", line)


def widen_punctuation(line: str) -> tuple[str, int]:
    """Half-width ',' between Chinese words (a converter's doing) → '，'."""
    if not _HAS_HALFWIDTH.search(line):
        return line, 0
    return _HALFWIDTH_BETWEEN_CJK.subn(lambda m: _HALFWIDTH[m.group(1)], line)


def trim_line(line: str) -> tuple[str, int]:
    stripped = line.strip(" \t\u3000\u00a0\r")
    return stripped, int(stripped != line and bool(stripped))


# Order matters: tags first (a '<p>' would hide a lost indent after it), pinyin before '?' handling (a mangled annotation starts with '?'), mojibake stops before
# lost spaces (both start with '?'), simplification before doubling (traditional doubles are doubles too).
LINE_REPAIRS = [
    ("html-tags", strip_html_tags),
    ("lost-indent", remove_lost_indent),
    ("replacement-chars", remove_replacement_chars),
    ("pinyin-annotations", remove_pinyin_annotations),
    ("question-marks", restore_question_marks),
    ("mojibake-stops", restore_mojibake_stops),
    ("lost-spaces", restore_lost_spaces),
    ("t2s", to_simplified),
    ("doubled-chars", collapse_doubled_chars),
    ("halfwidth-punctuation", widen_punctuation),
    ("number-spaces", remove_number_spaces),
    ("punctuation-spaces", remove_punctuation_spaces),
    ("trim", trim_line),
]

# Repairs worth telling a reader about; trimming whitespace is not.
_SILENT = {"trim"}


@dataclass
class LineRepair:
    text: str
    fired: Counter = field(default_factory=Counter)
    lost: list[str] = field(default_factory=list)


def repair_line(line: str) -> LineRepair:
    fired: Counter = Counter()
    lost = find_lost_text(line)
    for name, repair in LINE_REPAIRS:
        line, count = repair(line)
        if count and name not in _SILENT:
            fired[name] += count
    return LineRepair(text=line, fired=fired, lost=lost)


# --- flagging what is truly lost ------------------------------------------------------------------------

_LOST_DIGIT_FIGURE = re.compile(r"(?<![0-9])\?[0-9.]+[^\s,，。、；;]{0,3}")
_MOJIBAKE_RUN = re.compile(rf"\?!((?:[{CJK}A-Za-z^]){{1,12}})")


def find_lost_text(raw_line: str) -> list[str]:
    """Name the damage no repair can undo, as ``kind:excerpt`` strings for an article's ``repairs``.

    - ``lost-digit``: a digit turned into '?' (``?0余萬元``: some X0万元);
    - ``mojibake``: the characters after a '?!' stop are GBK mojibake of real words; which of them
      are garbage cannot be known exactly, so the flag quotes the stretch up to the first word that
      reads as real Chinese again.
    """
    if "?" not in raw_line:
        return []
    flags = []
    for match in _LOST_DIGIT_FIGURE.finditer(raw_line):
        flags.append("lost-digit:" + _t2s().convert(match.group(0)))
    for start, end in _damaged_annotation_regions(raw_line):
        region, _ = remove_pinyin_annotations(raw_line[max(0, start - 2): end])
        flags.append("mojibake:" + _t2s().convert(region))
    for match in _MOJIBAKE_RUN.finditer(raw_line):
        cleaned, _ = remove_pinyin_annotations(match.group(1))
        flags.append("mojibake:" + _garbled_prefix(_t2s().convert(cleaned)))
    return flags


def _damaged_annotation_regions(raw_line: str) -> list[tuple[int, int]]:
    """(start, end) spans covering mangled pinyin annotations and the characters between close ones."""
    regions: list[list[int]] = []
    for match in _PINYIN_LOST_PAREN.finditer(raw_line):
        if regions and match.start() - regions[-1][2] <= 2:
            regions[-1][1:] = [match.start(), match.end()]
        else:
            regions.append([match.start(), match.start(), match.end()])
    return [(start, end) for start, end, _ in regions]


def _garbled_prefix(stretch: str) -> str:
    """The leading part of ``stretch`` made of single, rare characters (mojibake rarely forms words)."""
    tok = tokenizer()
    tok.check_initialized()
    garbled = []
    for word in tok.cut(stretch, HMM=False):
        if len(word) > 1 and word in tok.FREQ and tok.FREQ[word] > 50:
            break
        garbled.append(word)
    return "".join(garbled) or stretch


# --- paragraph-level repairs -----------------------------------------------------------------------------

# A closing parenthesis ends a paragraph only when it closes a whole credit ('。（本报记者 宋广军）'),
# not a phrase ('以村（社区）' continues on the next line).
_PARAGRAPH_END = re.compile(rf"[{_SENTENCE_END}][{_CLOSERS}]*$|(^|[{_SENTENCE_END}”])\s*[（(][^（()）]*[)）]$")


def ends_paragraph(line: str) -> bool:
    return bool(_PARAGRAPH_END.search(line))


def is_subhead(line: str, max_chars: int = 12) -> bool:
    """A short line with no punctuation at all: a section heading inside an article (党建引领谋发展)."""
    return 0 < len(line) <= max_chars and not re.search(rf"[{_FULLWIDTH_PUNCT},.;:!?]", line)


def rejoin_wrapped_lines(lines: list[str]) -> tuple[list[str], int]:
    """Join hard-wrapped lines (and paragraphs split by a stray blank line) back into paragraphs.

    A paragraph ends at sentence-final punctuation; a short unpunctuated line between blank lines is a
    subhead and stays on its own. Joining never inserts a space between Chinese characters, but keeps
    one between two Latin words.
    """
    paragraphs: list[str] = []
    current = ""
    joins = 0
    for index, line in enumerate(lines):
        if not line:
            continue
        prev_blank = index == 0 or not lines[index - 1]
        next_blank = index + 1 >= len(lines) or not lines[index + 1]
        if current and not ends_paragraph(current) and _CONTINUATION.match(line):
            current = _join(current, line)  # '第一要' ⏎⏎ '务。…': the wrap fell on a blank line
            joins += 1
            continue
        following = next((later for later in lines[index + 1 :] if later), "")
        if (
            is_subhead(line)
            and prev_blank
            and next_blank
            and (not current or ends_paragraph(current))
            and not _CONTINUATION.match(following)
        ):
            if current:
                paragraphs.append(current)
            paragraphs.append(line)
            current = ""
            continue
        if current and not ends_paragraph(current) and not is_subhead(current):
            current = _join(current, line)
            joins += 1
        else:
            if current:
                paragraphs.append(current)
            current = line
    if current:
        paragraphs.append(current)
    paragraphs = [_tidy_joined(p) for p in paragraphs]
    return paragraphs, joins


# A paragraph never opens with a word's last character and its punctuation: such a line ends a word the
# line before it broke off.
_CONTINUATION = re.compile(r"[\u4e00-\u9fff]{1,2}[。，、；！？：]")


def _join(left: str, right: str) -> str:
    if re.search(r"[A-Za-z0-9]$", left) and re.match(r"[A-Za-z]", right):
        return left + " " + right
    return left + right


def _tidy_joined(paragraph: str) -> str:
    """A join can bring a number next to its unit or punctuation that had a space ('1.7 万' + '人次')."""
    paragraph, _ = remove_number_spaces(paragraph)
    paragraph, _ = remove_punctuation_spaces(paragraph)
    return paragraph
