// Two-way talks pages: small conveniences on top of forms that work without JavaScript.
(function () {
  "use strict";

  // "Copy link" appears only where the browser can copy.
  document.querySelectorAll("button.js-copy").forEach(function (button) {
    var target = document.getElementById(button.dataset.copyTarget || "");
    if (!target || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.value).then(function () {
        button.textContent = button.dataset.copied || button.textContent;
      });
    });
  });

})();

// The poster's print button (browsers print without it, too).
document.querySelectorAll("button.js-print").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});
