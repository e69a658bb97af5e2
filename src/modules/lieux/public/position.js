// « Utiliser ma position »: an enhancement of the search form. Without JavaScript the button
// stays hidden and the form works with a commune or postcode.
const button = document.getElementById('utiliser-ma-position');
const form = button?.closest('form');
if (button && form && 'geolocation' in navigator) {
  const status = document.getElementById('position-statut');
  button.hidden = false;
  button.addEventListener('click', () => {
    if (status) status.textContent = 'Recherche de votre position…';
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        form.elements.latitude.value = pos.coords.latitude.toFixed(5);
        form.elements.longitude.value = pos.coords.longitude.toFixed(5);
        form.elements.commune.value = '';
        form.submit();
      },
      () => {
        button.disabled = false;
        if (status) status.textContent = 'Position indisponible. Indiquez votre ville ou votre code postal.';
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 },
    );
  });
}
