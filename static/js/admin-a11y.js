// The admin's autocomplete fields (select2) name their combobox by the text of the choice, which is empty until a
// choice is made: screen readers then announce a nameless field (axe-core: aria-input-field-name). Name each one by
// the label of the <select> it stands for, also for those select2 builds later (inline rows).
"use strict";
(function () {
  function name(container) {
    if (container.hasAttribute("aria-label")) return;
    const select = document.getElementById(container.id.replace(/^select2-/, "").replace(/-container$/, ""));
    const label = select && select.labels && select.labels[0];
    if (label) container.setAttribute("aria-label", label.textContent.replace(/[:*]\s*$/, "").trim());
  }
  function nameAll() {
    document.querySelectorAll(".select2-selection__rendered[id^='select2-']").forEach(name);
  }
  document.addEventListener("DOMContentLoaded", function () {
    nameAll();
    new MutationObserver(nameAll).observe(document.body, {childList: true, subtree: true});
  });
})();
