// The upload forms' dependent selects: choosing a call fills its categories and materials.
// The calls are embedded in the page as JSON (no request, works offline); without JavaScript the selects
// still submit, and the server checks the combination.
(function () {
  var data = document.getElementById("campaign-data");
  if (!data) return;
  var campaigns = JSON.parse(data.textContent);
  function fill(select, options, keep) {
    if (!select) return;
    var current = keep ? select.value : "";
    select.innerHTML = "";
    options.forEach(function (o) {
      var opt = document.createElement("option");
      opt.value = o.value; opt.textContent = o.label;
      if (o.value === current) opt.selected = true;
      select.appendChild(opt);
    });
  }
  document.querySelectorAll("select[data-campaign]").forEach(function (select) {
    var form = select.form;
    function update(keep) {
      var c = campaigns.find(function (x) { return x.id === select.value; });
      if (!c) return;
      fill(form.querySelector("select[name=category]"), [{ value: "", label: "（自动判断 / 按表中填写）" }].concat(
        c.categories.map(function (k) { return { value: k.name, label: k.name }; })), keep);
      fill(form.querySelector("select[name=material]"), c.materials.map(function (m) {
        return { value: m.id, label: m.name + (m.limit ? "（不超过" + m.limit + "字）" : "") };
      }), keep);
      var material = form.querySelector("select[name=material]");
      if (material && !keep) material.value = c.default_material;
    }
    select.addEventListener("change", function () { update(false); });
    update(true);
  });
})();
