// "Approve the notification": poll until the mock's /__mock__/approve (standing in for the
// phone) approves this sign-in, then finish it.
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("approval-config").textContent);
  const status = document.getElementById("transaction-approval-status");
  function poll() {
    fetch("/ap/cvf/approval/poll?arb=" + encodeURIComponent(cfg.arb), { credentials: "same-origin" })
      .then((r) => r.json())
      .then((j) => {
        if (j.status === "APPROVED") {
          status.textContent = cfg.approved;
          location.href = "/ap/cvf/approval/complete?arb=" + encodeURIComponent(cfg.arb);
        } else if (j.status === "EXPIRED") {
          status.textContent = cfg.expired;
        } else {
          setTimeout(poll, 1000);
        }
      })
      .catch(() => setTimeout(poll, 2000));
  }
  setTimeout(poll, 500);
})();
