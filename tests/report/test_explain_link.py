"""`lstm-tune explain` links the study report to explain.html in its marked place, without
evaluating the study again; a report without the mark is left for a full render."""

from __future__ import annotations

from types import SimpleNamespace

from lstm_tune.report.explain_page import EXPLAIN_LINK, link_explanation

UNLINKED = ('<ul>\n<!-- explain-link -->\n<li class="note">Explain the best model with '
            '<code>lstm-tune explain s.yaml</code>.</li>\n<!-- /explain-link -->\n'
            '<li>compare</li>\n</ul>')


def test_the_marked_place_gets_the_link_and_nothing_else_changes(tmp_path):
    (tmp_path / "index.html").write_text(UNLINKED)
    assert link_explanation(SimpleNamespace(report_path=tmp_path))
    html = (tmp_path / "index.html").read_text()
    assert EXPLAIN_LINK in html and "Explain the best model with" not in html
    assert html.startswith("<ul>\n<!-- explain-link -->") and html.endswith(
        "<!-- /explain-link -->\n<li>compare</li>\n</ul>")
    assert link_explanation(SimpleNamespace(report_path=tmp_path))  # again: the same page
    assert (tmp_path / "index.html").read_text() == html


def test_a_report_without_the_mark_or_no_report_is_left_alone(tmp_path):
    assert not link_explanation(SimpleNamespace(report_path=tmp_path))
    old = "<ul><li>Explain the best model with ...</li></ul>"
    (tmp_path / "index.html").write_text(old)
    assert not link_explanation(SimpleNamespace(report_path=tmp_path))
    assert (tmp_path / "index.html").read_text() == old
