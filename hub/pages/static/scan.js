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

  function reader() {
    return new ZXingBrowser.BrowserQRCodeReader();
  }

  async function fromFile(file) {
    const url = URL.createObjectURL(file);
    try {
      return (await reader().decodeFromImageUrl(url)).getText();
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
