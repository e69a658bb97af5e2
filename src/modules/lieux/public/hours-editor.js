// The opening-hours editor: with JavaScript, only the chosen way of typing the hours shows
// (day by day, or the expert syntax). Without it both show and the « Saisie » radio decides.
// Switching to the expert syntax after typing day by day shows what was typed, written by the
// server as a save would (ADR 0036): the same request as « Passer à la syntaxe experte », sent
// with fetch; when the days have a mistake, that button is pressed so the page says what it is.
const editor = document.getElementById('horaires-editeur');
if (editor) {
  const form = editor.closest('form');
  const parts = editor.querySelectorAll('[data-horaires]');
  const radios = editor.querySelectorAll('input[name="horaires_saisie"]');
  const days = editor.querySelector('[data-horaires="jours"]');
  const expert = document.getElementById('champ-horaires');
  const convert = editor.querySelector('button[name="horaires_action"]');
  const notice = document.getElementById('horaires-converties');
  const convertBox = document.getElementById('horaires-vers-expert');
  if (convertBox) convertBox.hidden = true;
  let typedDays = false;
  if (days) {
    days.addEventListener('input', () => {
      typedDays = true;
    });
    days.addEventListener('change', () => {
      typedDays = true;
    });
  }
  const chosen = () => editor.querySelector('input[name="horaires_saisie"]:checked')?.value ?? 'jours';
  const show = () => {
    for (const part of parts) part.hidden = part.dataset.horaires !== chosen();
  };
  const toExpert = async () => {
    if (!typedDays || !form || !expert || !convert) return;
    const data = new URLSearchParams(new FormData(form));
    data.set('horaires_action', 'expert');
    try {
      const response = await fetch(form.action, { method: 'POST', body: data, credentials: 'same-origin' });
      const page = new DOMParser().parseFromString(await response.text(), 'text/html');
      const written = page.getElementById('champ-horaires');
      const mode = page.querySelector('input[name="horaires_saisie"]:checked')?.value;
      if (!response.ok || mode !== 'expert' || !written) throw new Error('conversion refused');
      expert.value = written.getAttribute('value') ?? '';
      if (notice) notice.replaceChildren(...(page.getElementById('horaires-converties')?.childNodes ?? []));
      typedDays = false;
    } catch {
      form.requestSubmit(convert);
    }
  };
  for (const radio of radios)
    radio.addEventListener('change', () => {
      show();
      if (chosen() === 'expert') toExpert();
    });
  // A day ticked « Fermé » has no times to type.
  for (const box of editor.querySelectorAll('input[type="checkbox"][name^="jour_"][name$="_ferme"]')) {
    const day = box.closest('fieldset');
    const sync = () => {
      for (const input of day.querySelectorAll('input[type="time"]')) input.disabled = box.checked;
    };
    box.addEventListener('change', sync);
    sync();
  }
  show();
}
