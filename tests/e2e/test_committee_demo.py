from members import demo
from members.committee import demo as demo_committee


def test_demo_committee_and_finished_election_pages(page, axe, transactional_db):
    demo.seed()
    demo_committee.seed()
    page.goto("/committee/")
    page.get_by_role("heading", name="Past committees").wait_for()
    axe(page, "committee-demo")
    page.goto("/committee/calls/vice-chair-nominations-2025/")
    page.get_by_role("table").wait_for()
    assert "Nkechi Holloway-Price" in page.get_by_role("table").inner_text()
    axe(page, "committee-results")
