// « Imprimer » on the beneficiary's letter: shown only where JavaScript runs; the browser's own
// print menu does the same without it (the print stylesheet hides the site's frame).
const button = document.getElementById('imprimer');
if (button) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
