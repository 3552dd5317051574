// Shared by /check and /field: reading a QR code with ZXing (@zxing/browser, served by the hub),
// from the phone's camera (live) or from a photo (a file input that opens the camera on a phone),
// and finding the code in what was read (a label encodes the /check URL of its code).
"use strict";

const Scan = (() => {
  const KEY = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

  // Spaces people type inside a code are dropped; null when the value cannot be a code at all.
  function normalized(value) {
    const code = String(value || "").replace(/\s+/g, "");
    return KEY.test(code) ? code : null;
  }

  // A label's URL gives its `code`; anything else read is taken as the code itself.
  function codeFrom(text) {
    try {
      const url = new URL(text);
      if (url.pathname.replace(/\/+$/, "") === "/check" && url.searchParams.has("code")) {
        return url.searchParams.get("code");
      }
    } catch (_) { /* not a URL */ }
    return String(text).trim();
  }

  // Live frames are tried every 150 ms (ZXing's default is 500).
  function reader() {
    return new ZXingBrowser.BrowserQRCodeReader(undefined, { delayBetweenScanAttempts: 150 });
  }

  function loadImage(url) {
    return new Promise((resolve, reject) => {
      const image = new Image();
      image.onload = () => resolve(image);
      image.onerror = () => reject(new Error("not an image"));
      image.src = url;
    });
  }

  // A photo is read at a few sizes (ZXing misses some codes at one size and reads them at
  // another: a phone's photo is large, a label small in it), on white.
  const SCALES = [1, 0.5, 0.75, 0.33];

  async function fromFile(file) {
    const url = URL.createObjectURL(file);
    try {
      const image = await loadImage(url);
      const codes = reader();
      let last = null;
      for (const scale of SCALES) {
        const canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
        canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
        const g = canvas.getContext("2d");
        g.fillStyle = "#fff";
        g.fillRect(0, 0, canvas.width, canvas.height);
        g.drawImage(image, 0, 0, canvas.width, canvas.height);
        try {
          return codes.decodeFromCanvas(canvas).getText();
        } catch (error) { last = error; }
      }
      throw last || new Error("no code");
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  // Starts the back camera into `video`; calls onText once with the first code read. Returns
  // the controls (`stop()`), or throws when no camera can be opened.
  async function live(video, onText) {
    let done = false;
    return reader().decodeFromConstraints(
      { video: { facingMode: "environment" } }, video,
      (result, _error, controls) => {
        if (result && !done) { done = true; controls.stop(); onText(result.getText()); }
      });
  }

  return { normalized, codeFrom, fromFile, live };
})();
