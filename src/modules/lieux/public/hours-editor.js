// The opening-hours editor: with JavaScript, only the chosen way of typing the hours shows
// (day by day, or the expert syntax). Without it both show and the « Saisie » radio decides.
const editor = document.getElementById('horaires-editeur');
if (editor) {
  const parts = editor.querySelectorAll('[data-horaires]');
  const radios = editor.querySelectorAll('input[name="horaires_saisie"]');
  const show = () => {
    const chosen = editor.querySelector('input[name="horaires_saisie"]:checked')?.value ?? 'jours';
    for (const part of parts) part.hidden = part.dataset.horaires !== chosen;
  };
  for (const radio of radios) radio.addEventListener('change', show);
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
