// « Utiliser ma position »: an enhancement of the last question. Without JavaScript the button
// stays hidden and the person writes a town or a postcode.
const button = document.getElementById('utiliser-ma-position');
const form = button?.closest('form');
if (button && form && 'geolocation' in navigator) {
  const status = document.getElementById('position-statut');
  button.hidden = false;
  button.addEventListener('click', () => {
    if (status) status.textContent = button.dataset.attente ?? '';
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        form.elements.latitude.value = pos.coords.latitude.toFixed(4);
        form.elements.longitude.value = pos.coords.longitude.toFixed(4);
        form.elements.commune.value = '';
        form.submit();
      },
      () => {
        button.disabled = false;
        if (status) status.textContent = button.dataset.erreur ?? '';
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 },
    );
  });
}
