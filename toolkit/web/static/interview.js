// Type-ahead for the place name: fills the <datalist> from /suggest. The form works without it.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest]");
  if (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var state = document.getElementById("state");
    var timer = null, last = "";
    var refresh = function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) { return; }
      last = q;
      var url = input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(q) +
        (state && state.value ? "&state=" + encodeURIComponent(state.value) : "");
      fetch(url, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : []; }).then(function (items) {
        while (list.firstChild) { list.removeChild(list.firstChild); }
        items.forEach(function (item) {
          var option = document.createElement("option");
          option.value = item.value;
          option.label = item.label;
          list.appendChild(option);
        });
      }).catch(function () {});
    };
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 150); });
  }
  // Move focus to the list of problems, so a screen reader reads it and Tab goes on to the fields.
  var problems = document.getElementById("problems");
  if (problems) { problems.focus(); }
})();
