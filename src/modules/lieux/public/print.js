// « Imprimer »: an enhancement. Without JavaScript the button stays hidden and the browser's
// own print command gives the same page (the print stylesheet keeps only what is useful).
for (const button of document.querySelectorAll('button.pa-print')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
