"""A step's `proof`: its screenshot is kept whatever `screenshot` says, run.json names it,
and report.html shows it with its caption under the flow's phase, in Chromium."""

from __future__ import annotations

from playwright.sync_api import Browser, expect


def test_a_proof_keeps_its_screenshot_and_is_shown_with_its_caption(runs, browser: Browser):
    run = runs("proof.yaml")
    assert run.result.code == 0, run.result.err
    proof, other = run.step("The form is shown"), run.step("Not a proof")
    assert proof["proof"] == "the form, as the proof"
    assert proof["screenshot"] and (run.folder / proof["screenshot"]).is_file()
    assert other["proof"] is None and other["screenshot"] is None
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((run.folder / "report.html").as_uri())
        figure = page.locator("#phase-proof figure.proof")
        expect(figure).to_have_count(1)
        expect(figure).to_contain_text("the form, as the proof")
        expect(page.locator("#sentence")).to_have_text("voicewipe proof finished.")
    finally:
        context.close()
