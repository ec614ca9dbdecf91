"""Which uses of a term are linked: first use only, longest match, whole Latin words, never
inside links, code, attributes or URLs."""

import pytest

from glossary import state
from glossary.models import Term
from tests.factories import parse_html
from tests.glossary.helpers import links_in, make_term

pytestmark = pytest.mark.django_db


def link(*texts):
    linker = state.linker()
    used = set()
    return [str(linker.link(text, used)) for text in texts]


def test_only_the_first_use_is_linked_across_texts():
    make_term(term="内卷", romanisation="nèijuǎn", slug="neijuan")

    body, comment = link("<p>内卷 here, 内卷 again</p>", "<p>more 内卷</p>")

    assert links_in(body) == [("neijuan", "内卷")]
    assert links_in(comment) == []
    assert body.endswith("</a> here, 内卷 again</p>")


def test_the_longest_spelling_wins():
    make_term(term="내로", romanisation="naero", slug="naero", language="ko")
    make_term(term="내로남불", romanisation="naeronambul", slug="naeronambul", language="ko")

    (html,) = link("<p>그건 내로남불이지. 내로</p>")

    assert links_in(html) == [("naeronambul", "내로남불"), ("naero", "내로")]


def test_latin_spellings_match_any_case_but_only_whole_words():
    make_term(term="일베", romanisation="Ilbe", slug="ilbe", language="ko")

    (inside,) = link("<p>Philbert and ilbert and ilbes</p>")
    (upper,) = link("<p>Philbert met an ILBE user.</p>")

    assert links_in(inside) == []
    assert links_in(upper) == [("ilbe", "ILBE")]


def test_cjk_terms_match_before_a_particle():
    make_term(term="꼰대", romanisation="kkondae", slug="kkondae", language="ko")

    (html,) = link("<p>우리 부장님은 꼰대가 맞다</p>")

    assert links_in(html) == [("kkondae", "꼰대")]


def test_the_romanisation_and_other_spellings_are_linked():
    make_term(term="躺平", romanisation="tǎngpíng", other_spellings="tangping, lying flat",
              slug="tangping")  # fmt: skip

    (accented,) = link("<p>They chose tǎngpíng.</p>")
    (plain,) = link("<p>Call it Lying Flat.</p>")

    assert links_in(accented) == [("tangping", "tǎngpíng")]
    assert links_in(plain) == [("tangping", "Lying Flat")]


@pytest.mark.parametrize(
    "html",
    [
        '<p><a href="/x">内卷 in a link</a></p>',
        "<p><code>内卷</code></p>",
        "<pre>内卷 in a block</pre>",
        '<p><img alt="内卷" src="/a.png"> <a title="内卷" href="/y">y</a></p>',
        "<p>see https://example.org/内卷/page or www.example.org/内卷</p>",
        '<p><a href="https://example.org/neijuan">neijuan</a></p>',
    ],
)
def test_no_link_inside_links_code_attributes_or_urls(html):
    make_term(term="内卷", romanisation="neijuan", slug="neijuan")

    (linked,) = link(html)

    assert linked == html


def test_text_after_a_skipped_element_is_linked():
    make_term(term="内卷", romanisation="neijuan", slug="neijuan")

    (linked,) = link('<p><code>内卷</code> then <a href="/a">x</a> neijuan</p>')

    assert links_in(linked) == [("neijuan", "neijuan")]


def test_a_link_carries_the_plain_definition_and_the_language_of_the_original():
    make_term(term="内卷", romanisation="neijuan", slug="neijuan",
              definition="A <em>race</em> <script>alert(1)</script>nobody wins.")  # fmt: skip

    (original, romanised) = link("<p>内卷</p>", "")
    (romanised,) = link("<p>neijuan</p>")

    assert '<a class="term" href="/glossary/#term-neijuan" lang="zh"' in original
    assert 'data-definition="A race nobody wins."' in original
    assert "lang=" not in romanised
    assert "<script" not in original


def test_five_hundred_terms_compile_into_one_linker_that_still_links():
    Term.objects.bulk_create(
        Term(term=f"词{n}号", romanisation=f"ci{n}hao", slug=f"ci-{n}", definition="d")
        for n in range(500)
    )
    from glossary.index import glossary_changed

    glossary_changed()

    (html,) = link("<p>ci499hao and 词7号 but not ci49</p>")

    assert links_in(html) == [("ci-499", "ci499hao"), ("ci-7", "词7号")]


def test_linking_many_texts_at_once_links_as_one_by_one():
    make_term(term="내로", romanisation="naero", slug="naero", language="ko")
    make_term(term="내로남불", romanisation="naeronambul", slug="naeronambul", language="ko")
    make_term(term="躺平", romanisation="tǎngpíng", other_spellings="lying flat", slug="tangping")
    make_term(term="996", romanisation="jiujiuliu", slug="996")
    texts = [
        "<p>nothing here, 1996 and Philbert</p>",
        "<p>내로남불 again; <code>lying flat</code></p>",
        "<p>用996工作制, then LYING FLAT and 내로</p>",
        "<p>naero naeronambul tǎngpíng 996</p>",
    ]
    linker = state.linker()

    used_single, used_many = set(), set()
    one_by_one = [str(linker.link(text, used_single)) for text in texts]
    many = [str(html) for html in linker.link_many(texts, used_many)]

    assert many == one_by_one
    assert used_many == used_single == {"naeronambul", "996", "tangping", "naero"}
    assert links_in(many[2]) == [("996", "996"), ("tangping", "LYING FLAT"), ("naero", "내로")]


def test_linking_the_same_texts_again_remembers_only_what_each_state_gives():
    # link_many remembers each text's candidates and linkings (a thread's comments are the
    # same texts render after render); a page that used a term above the thread, or a text
    # met twice in one page, must still get the one-by-one result.
    make_term(term="躺平", romanisation="tangping", other_spellings="lying flat", slug="tangping")
    make_term(term="996", romanisation="jiujiuliu", slug="996")
    texts = ["<p>lying flat, 996</p>", "<p>nothing</p>", "<p>lying flat, 996</p>"]
    linker = state.linker()

    for used_above in (set(), {"tangping"}, set(), {"996"}, {"tangping", "996"}):
        used_single, used_many = set(used_above), set(used_above)
        one_by_one = [str(linker.link(text, used_single)) for text in texts]
        many = [str(html) for html in linker.link_many(texts, used_many)]
        assert many == one_by_one, used_above
        assert used_many == used_single
    assert links_in(linker.link_many(texts, {"996"})[0]) == [("tangping", "lying flat")]
    assert links_in(linker.link_many(texts, {"996"})[2]) == []


def test_a_link_in_an_ascii_text_keeps_it_ascii_and_reads_back_its_title():
    make_term(term="内卷", romanisation="nèijuǎn", other_spellings="involution", slug="neijuan",
              definition="Competition that exhausts everyone — and rewards nobody.")  # fmt: skip

    (html,) = link("<p>Pure involution.</p>")

    assert html.isascii()
    (anchor,) = parse_html(html).find_all("a")
    assert anchor.attrs["data-term"] == state.linker().targets["involution"].title
    assert "内卷" in anchor.attrs["data-term"]
    assert anchor.attrs["data-definition"] == (
        "Competition that exhausts everyone — and rewards nobody."
    )


def test_a_spelling_is_looked_up_as_the_text_lower_cased_reads_it():
    # "ΑΣΒ" lower-cased whole is "ασβ", but its "ΑΣ" alone is "ας" (a final sigma): the link
    # follows the whole text's reading, the one link_many remembers its candidates by.
    make_term(term="ασ", romanisation="as-medial", slug="medial")
    make_term(term="ας", romanisation="as-final", slug="final")
    linker = state.linker()
    texts = ["<p>ΑΣΒ</p>"]

    for used_above in (set(), {"final"}, {"medial"}, set()):
        used_single, used_many = set(used_above), set(used_above)
        one_by_one = [str(linker.link(text, used_single)) for text in texts]
        many = [str(html) for html in linker.link_many(texts, used_many)]
        assert many == one_by_one, used_above
        assert used_many == used_single
    assert links_in(linker.link(texts[0], set())) == [("medial", "ΑΣ")]


def test_what_link_many_remembers_stays_within_its_bound(monkeypatch):
    monkeypatch.setattr("glossary.linking.CHARS_REMEMBERED", 200)
    make_term(term="躺平", romanisation="tangping", other_spellings="lying flat", slug="tangping")
    linker = state.linker()
    texts = [f"<p>comment {n}: lying flat</p>" for n in range(40)]

    for _render in range(3):
        used_single, used_many = set(), set()
        one_by_one = [str(linker.link(text, used_single)) for text in texts]
        assert [str(html) for html in linker.link_many(texts, used_many)] == one_by_one
        remembered = sum(len(text) for text in linker._candidates)
        remembered += sum(len(html) for html, _added in linker._linked.values())
        assert remembered <= 200
