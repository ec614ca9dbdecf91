"""search.text.parse: what a typed query becomes."""

from search.text import MAX_QUERY_LENGTH, MAX_TERMS, like_pattern, parse


def test_english_words_and_cjk_runs_are_separated():
    query = parse("Housing 内卷, prices! 내로남불")
    assert query.words == ("housing", "prices")
    assert [term.text for term in query.cjk] == ["内卷", "내로남불"]


def test_full_width_letters_are_plain_letters():
    assert parse("ｈｏｕｓｉｎｇ").words == ("housing",)


def test_control_characters_and_nul_are_dropped():
    query = parse("内\x00卷\x07 house\x1f")
    assert [term.text for term in query.cjk] == ["内", "卷"]
    assert query.words == ("house",)


def test_a_simplified_query_also_searches_traditional_spellings_and_back():
    assert {"内卷", "內卷", "內捲"} <= set(parse("内卷").cjk[0].variants)
    assert "内卷" in parse("內卷").cjk[0].variants
    assert parse("내로남불").cjk[0].variants == ("내로남불",)


def test_long_queries_are_cut_and_terms_are_capped():
    query = parse("word " * 1000)
    assert query.shortened and len(query.text) <= MAX_QUERY_LENGTH
    many = parse(" ".join(f"w{n}" for n in range(50)) + " 内卷")
    assert len(many.words) + len(many.cjk) == MAX_TERMS
    assert many.cjk  # the CJK term is kept


def test_wildcards_are_no_terms_and_are_escaped_in_like_patterns():
    assert not parse("%_\\").is_searchable()
    assert like_pattern("a%b_c\\d") == "%a\\%b\\_c\\\\d%"
