// The puzzle page: once it is solved (in the mock: /__mock__/solve, standing in for the
// person), submit the challenge form, as Amazon's page does when the puzzle reports success.
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("puzzle-config").textContent);
  function poll() {
    fetch("/ap/cvf/request/poll?arb=" + encodeURIComponent(cfg.arb), { credentials: "same-origin" })
      .then((r) => r.json())
      .then((j) => {
        if (j.solved) {
          document.getElementById("cvf-aamation-challenge-form").submit();
        } else if (!j.expired) {
          setTimeout(poll, 700);
        }
      })
      .catch(() => setTimeout(poll, 1500));
  }
  setTimeout(poll, 500);
})();
