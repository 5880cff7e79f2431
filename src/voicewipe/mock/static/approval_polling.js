// form#pollingForm: post it for JSON until the phone approves (the mock's /__mock__/approve),
// then mark #transactionApprovalStatus and submit it, which goes on with the sign-in.
(function () {
  "use strict";
  const form = document.getElementById("pollingForm");
  const status = document.getElementById("transactionApprovalStatus");
  function poll() {
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(new FormData(form)).toString(),
    })
      .then((r) => r.json())
      .then((j) => {
        status.value = j.transactionApprovalStatus;
        if (j.transactionApprovalStatus === "TransactionCompleted") {
          form.submit();
        } else if (j.transactionApprovalStatus === "TransactionPending") {
          setTimeout(poll, 1000);
        }
      })
      .catch(() => setTimeout(poll, 2000));
  }
  setTimeout(poll, 500);
})();
