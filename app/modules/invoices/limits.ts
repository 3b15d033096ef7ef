/** JSON request bodies above this are refused with 413. */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;
/** PDFs (uploaded through the API or embedded in UBL) above this are refused. */
export const PDF_BODY_LIMIT_BYTES = 10 * 1024 * 1024;
/** The back-office import form (one CSV or UBL file, or the carried payload of a preview). */
export const IMPORT_FORM_LIMIT_BYTES = 25 * 1024 * 1024;
