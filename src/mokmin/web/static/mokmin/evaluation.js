// Evaluators' signatures, made in the browser: the private key never leaves it.
//
// * The key: crypto.subtle.generateKey({name: "Ed25519"}, false, ["sign", "verify"]) (non-extractable), kept in
//   IndexedDB ("mokmin-evaluation", store "keys", by "<session>/<evaluator>"); the server gets only the raw public
//   key (exportKey("raw")), as 64 hex digits.
// * What is signed: UTF-8("mokmin-evaluation/v1\n" + kind + "\n") + canonical JSON of the payload, exactly
//   mokmin.evaluation.events.signing_bytes; canonical JSON is RFC 8785 for our values (objects with keys sorted by
//   UTF-16 code units, JSON.stringify's strings and numbers), as mokmin.ledger.commitment.canonical_json.
// * Blind scoring: the commitment is hex(SHA-256(canonical({evaluator, nonce, scores, session}))) with a 32-byte
//   random nonce; scores and nonce stay in IndexedDB (store "sheets") until the reveal. The server never sees
//   the scores before the reveal.
// With a server-held key (data-key-mode="server") the page computes the same commitment and hashes, and the
// evaluator's password lets the server sign.
(function () {
  "use strict";
  const DOMAIN = "mokmin-evaluation/v1\n";
  const root = document.getElementById("evaluation");
  if (!root) return;
  const session = root.dataset.session;
  const evaluator = root.dataset.evaluator;
  const serverKey = root.dataset.keyMode === "server";
  const slot = session + "/" + evaluator;

  function canonical(value) {
    if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
    if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new Error("NaN and infinity have no canonical form");
      return JSON.stringify(value);
    }
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    const keys = Object.keys(value).sort();
    return "{" + keys.map((k) => JSON.stringify(k) + ":" + canonical(value[k])).join(",") + "}";
  }

  function hex(buffer) {
    return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function sha256hex(text) {
    return hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  }

  function randomHex(bytes) {
    return hex(crypto.getRandomValues(new Uint8Array(bytes)));
  }

  function store(name, mode, action) {
    return new Promise((resolve, reject) => {
      const open = indexedDB.open("mokmin-evaluation", 1);
      open.onupgradeneeded = () => {
        open.result.createObjectStore("keys");
        open.result.createObjectStore("sheets");
      };
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const tx = open.result.transaction(name, mode);
        const request = action(tx.objectStore(name));
        tx.oncomplete = () => resolve(request.result);
        tx.onerror = () => reject(tx.error);
      };
    });
  }
  const put = (name, value) => store(name, "readwrite", (s) => s.put(value, slot));
  const get = (name) => store(name, "readonly", (s) => s.get(slot));

  async function sign(kind, payload) {
    if (serverKey) return "";
    const pair = await get("keys");
    if (!pair) throw new Error(root.dataset.msgNoKey);
    const bytes = new TextEncoder().encode(DOMAIN + kind + "\n" + canonical(payload));
    return hex(await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, bytes));
  }

  function show(form, error) {
    const box = form.querySelector(".js-error") || root.querySelector(".js-error");
    if (box) {
      box.textContent = String(error && error.message ? error.message : error);
      box.hidden = false;
    }
  }

  function onSubmit(id, prepare) {
    const form = document.getElementById(id);
    if (!form) return;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await prepare(form);
        form.submit();
      } catch (error) {
        show(form, error);
      }
    });
  }

  function field(form, name, value) {
    form.querySelector(`[name="${name}"]`).value = value;
  }

  onSubmit("key-form", async (form) => {
    if (!window.crypto || !crypto.subtle) throw new Error(root.dataset.msgNoCrypto);
    let pair;
    try {
      pair = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
    } catch (error) {
      throw new Error(root.dataset.msgNoEd25519);
    }
    await put("keys", pair);
    field(form, "public_key", hex(await crypto.subtle.exportKey("raw", pair.publicKey)));
  });

  onSubmit("coi-form", async (form) => {
    const conflicts = Array.from(form.querySelectorAll('[name="conflicts"]:checked'), (c) => c.value).sort();
    const statement = form.querySelector('[name="statement"]').value;
    field(form, "signature", await sign("coi_declared", { conflicts: [...new Set(conflicts)], evaluator, session,
                                                          statement }));
  });

  onSubmit("commit-form", async (form) => {
    const scores = {};
    for (const input of form.querySelectorAll("input[data-subject]")) {
      if (input.value.trim() === "") throw new Error(root.dataset.msgMissing);
      const value = Number(input.value);
      const max = Number(input.max);
      if (!Number.isFinite(value) || value < 0 || value > max) throw new Error(root.dataset.msgRange);
      (scores[input.dataset.subject] = scores[input.dataset.subject] || {})[input.dataset.criterion] = value;
    }
    const nonce = randomHex(32);
    const commitment = await sha256hex(canonical({ evaluator, nonce, scores, session }));
    await put("sheets", { scores, nonce, commitment });
    field(form, "commitment", commitment);
    field(form, "signature", await sign("commit", { commitment, evaluator, session }));
  });

  onSubmit("reveal-form", async (form) => {
    const sheet = await get("sheets");
    if (!sheet) throw new Error(root.dataset.msgNoSheet);
    field(form, "scores", JSON.stringify(sheet.scores));
    field(form, "nonce", sheet.nonce);
    field(form, "signature", await sign("reveal", { evaluator, nonce: sheet.nonce, scores: sheet.scores, session }));
  });

  onSubmit("sign-form", async (form) => {
    const sheet = await get("sheets");
    if (!sheet) throw new Error(root.dataset.msgNoSheet);
    const digest = await sha256hex(canonical({ evaluator, scores: sheet.scores, session }));
    field(form, "signature", await sign("sheet_signed", { evaluator, session, sheet_sha256: digest }));
  });

  window.mokminEvaluation = { canonical, sha256hex };
})();
