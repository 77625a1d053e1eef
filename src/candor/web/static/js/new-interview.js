// The new-interview page: upload and correct the CV, read the job description, then create the interview.
import { api, ApiError } from "./api.js";

const form = document.getElementById("new-interview");
const $ = (id) => document.getElementById(id);
const cvStatus = $("cv-status");
const jobStatus = $("job-status");
const formError = $("form-error");
let skills = [];

for (const el of document.querySelectorAll(".js-only")) el.hidden = false;

function showError(message) {
  formError.textContent = message;
  formError.hidden = !message;
  if (message) formError.focus?.();
}

function chip(list, text, removable) {
  const li = document.createElement("li");
  li.className = "chip";
  const span = document.createElement("span");
  span.textContent = text;
  li.append(span);
  if (removable) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "chip-remove";
    button.setAttribute("aria-label", `Remove ${text}`);
    button.textContent = "×";
    button.addEventListener("click", () => {
      skills = skills.filter((s) => s !== text);
      renderSkills();
      $("skill-new").focus();
    });
    li.append(button);
  }
  list.append(li);
}

function renderSkills() {
  const list = $("skills");
  list.replaceChildren();
  for (const s of skills) chip(list, s, true);
}

function showCv(doc) {
  $("cv_document_id").value = doc.id;
  const p = doc.parse;
  for (const input of document.querySelectorAll("#cv-parse input[data-field]")) {
    input.value = p[input.dataset.field] || "";
  }
  skills = [...(p.skills || [])];
  renderSkills();
  const jobs = (p.experience || []).length;
  $("cv-experience").textContent = jobs
    ? `${jobs} role${jobs === 1 ? "" : "s"} found in your experience.`
    : "No work experience was found; the interviewer will ask about it.";
  $("cv-parse").hidden = false;
  $("cv_file").value = "";
}

async function uploadCv(file) {
  if (!file) return;
  showError("");
  cvStatus.textContent = `Reading ${file.name}…`;
  const body = new FormData();
  body.append("kind", "cv");
  body.append("file", file);
  try {
    const doc = await api("POST", "/api/v1/documents", body);
    showCv(doc);
    cvStatus.textContent = `Read ${file.name}. Check what we found below.`;
  } catch (err) {
    cvStatus.textContent = "";
    $("cv_document_id").value = "";
    showError(`We could not use that CV. ${err.message}`);
  }
}

$("cv_file").addEventListener("change", (e) => uploadCv(e.target.files[0]));
const drop = $("cv-drop");
drop.addEventListener("dragover", (e) => {
  e.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  uploadCv(e.dataTransfer.files[0]);
});

function addSkill() {
  const input = $("skill-new");
  const value = input.value.trim();
  if (value && !skills.includes(value)) {
    skills.push(value);
    renderSkills();
  }
  input.value = "";
  input.focus();
}
$("skill-add").addEventListener("click", addSkill);
$("skill-new").addEventListener("keydown", (e) => {
  if (e.key === "Enter") {
    e.preventDefault();
    addSkill();
  }
});

$("cv-save").addEventListener("click", async () => {
  const id = $("cv_document_id").value;
  if (!id) return;
  const changes = { skills };
  for (const input of document.querySelectorAll("#cv-parse input[data-field]")) {
    changes[input.dataset.field] = input.value.trim() || null;
  }
  cvStatus.textContent = "Saving…";
  try {
    showCv(await api("PATCH", `/api/v1/documents/${id}`, changes));
    cvStatus.textContent = "Corrections saved.";
  } catch (err) {
    cvStatus.textContent = "";
    showError(`Your corrections were not saved. ${err.message}`);
  }
});

function showJob(doc) {
  $("job_document_id").value = doc.id;
  const p = doc.parse;
  const bits = [p.title, p.company && `at ${p.company}`, p.seniority && `(${p.seniority})`].filter(Boolean);
  $("job-summary").textContent = bits.length ? bits.join(" ") : "No title or company found; fill them in below.";
  for (const [id, items] of [["job-required", p.required_skills], ["job-nice", p.nice_to_have_skills]]) {
    const list = $(id);
    list.replaceChildren();
    for (const s of items || []) chip(list, s, false);
    if (!(items || []).length) chip(list, "none found", false);
  }
  if (!$("job_title").value && p.title) $("job_title").value = p.title;
  if (!$("company").value && p.company) $("company").value = p.company;
  $("job-parse").hidden = false;
}

async function readJob() {
  const file = $("job_file").files[0];
  const text = $("job_text").value.trim();
  if (!file && !text) {
    showError("Paste the job description, or attach it as a file.");
    return false;
  }
  showError("");
  jobStatus.textContent = "Reading the job description…";
  const body = new FormData();
  body.append("kind", "job");
  if (file) body.append("file", file);
  else body.append("text", text);
  try {
    showJob(await api("POST", "/api/v1/documents", body));
    jobStatus.textContent = "Read. Check the requirements below.";
    return true;
  } catch (err) {
    jobStatus.textContent = "";
    $("job_document_id").value = "";
    showError(`We could not use that job description. ${err.message}`);
    return false;
  }
}
$("job-read").addEventListener("click", readJob);
for (const id of ["job_text", "job_file"]) {
  $(id).addEventListener("change", () => {
    $("job_document_id").value = "";
  });
}

form.addEventListener("submit", async (e) => {
  const cvId = $("cv_document_id").value;
  if (!cvId) return; // no JavaScript upload happened: let the browser post the form
  e.preventDefault();
  showError("");
  if (!$("job_document_id").value && !(await readJob())) return;
  const data = new FormData(form);
  const num = (name) => (data.get(name) === "" ? null : Number(data.get(name)));
  const body = {
    cv_document_id: cvId,
    job_document_id: $("job_document_id").value,
    options: {
      kinds: data.getAll("kinds"),
      difficulty: data.get("difficulty") || null,
      question_count: num("question_count") ?? 8,
      language: data.get("language") || "en",
      answer_time_limit_seconds: num("answer_time_limit_seconds"),
      max_follow_ups: num("max_follow_ups") ?? 2,
    },
  };
  if (data.get("job_title")) body.job_title = data.get("job_title").trim();
  if (data.get("company")) body.company = data.get("company").trim();
  const button = $("create");
  button.disabled = true;
  try {
    const interview = await api("POST", "/api/v1/interviews", body);
    window.location.assign(`/app/interviews/${interview.id}`);
  } catch (err) {
    button.disabled = false;
    const p = err instanceof ApiError ? err.problem : null;
    if (p && p.code === "missing_job_details") {
      showError(`${err.message} Type it in the Job title and Company fields.`);
    } else if (p && p.code === "invalid_input") {
      showError("Check the options: 3 to 20 questions, at least one kind, a time limit of 30 to 1800 seconds.");
    } else {
      showError(err.message);
    }
  }
});
