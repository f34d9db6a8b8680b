// Behaviour the pages used to get from inline script, moved here so the Content-Security-Policy can refuse inline
// script altogether (api/security.py).
(function () {
  // "返回" links: go back in history when there is somewhere to go, else follow the link (the home page).
  document.querySelectorAll("a[data-back]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (window.history.length > 1) {
        event.preventDefault();
        window.history.back();
      }
    });
  });
  // Forms that ask before submitting (e.g. 报送 freezes a batch): data-confirm holds the question.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
})();
