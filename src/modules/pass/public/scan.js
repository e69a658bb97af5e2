// « Scanner le QR code »: an enhancement where the browser can read QR codes (BarcodeDetector).
// Elsewhere the button stays hidden: the phone's camera app opens the printed QR code's link,
// and typing the code always works.
const button = document.getElementById('scanner-qr');
const form = document.getElementById('formulaire-code');
if (button && form && 'BarcodeDetector' in window && navigator.mediaDevices?.getUserMedia) {
  const zone = document.getElementById('zone-camera');
  const video = document.getElementById('camera');
  const status = document.getElementById('camera-statut');
  button.hidden = false;
  button.addEventListener('click', async () => {
    let stream;
    try {
      const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
      zone.hidden = false;
      video.srcObject = stream;
      await video.play();
      status.textContent = 'Placez le QR code du chèque devant la caméra.';
      const tick = async () => {
        const codes = await detector.detect(video).catch(() => []);
        const value = codes[0]?.rawValue;
        if (value) {
          let code = value;
          try {
            code = new URL(value).searchParams.get('code') ?? value;
          } catch {}
          for (const track of stream.getTracks()) track.stop();
          form.elements.code.value = code;
          form.submit();
          return;
        }
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    } catch {
      if (stream) for (const track of stream.getTracks()) track.stop();
      status.textContent = 'La caméra n’est pas disponible : saisissez le code.';
      zone.hidden = false;
    }
  });
}
