// Unit filters take a unit's name: as the user types, fill the input's <datalist> with the units in their reach
// whose name contains the text (the server folds accents and case: /units/suggest/).
(function () {
  "use strict";
  document.querySelectorAll("input[data-unit-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.form && input.form.getAttribute("data-unit-suggest-url");
    if (!list || !url) { return; }
    var timer = null, asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = input.value.trim();
        if (text.length < 2 || text === asked) { return; }
        asked = text;
        fetch(url + "?q=" + encodeURIComponent(text), {credentials: "same-origin", headers: {Accept: "application/json"}})
          .then(function (response) { return response.ok ? response.json() : {results: []}; })
          .then(function (data) {
            list.replaceChildren.apply(list, data.results.map(function (unit) {
              var option = document.createElement("option");
              option.value = unit.name;
              return option;
            }));
          })
          .catch(function () { /* no completion; typing the name still filters */ });
      }, 200);
    });
  });
})();
