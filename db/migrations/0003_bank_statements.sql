ALTER TYPE "public"."pause_reason" ADD VALUE 'transfer_announced';--> statement-breakpoint
ALTER TYPE "public"."payment_provider" ADD VALUE 'write_off';--> statement-breakpoint
ALTER TYPE "public"."payment_provider" ADD VALUE 'debtor_credit';--> statement-breakpoint
CREATE TABLE "bank_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"iban" text NOT NULL,
	"label" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bank_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"statement_id" uuid NOT NULL,
	"bank_account_id" uuid NOT NULL,
	"dedupe_key" text NOT NULL,
	"entry_ref" text,
	"booking_date" date NOT NULL,
	"value_date" date,
	"amount_cents" bigint NOT NULL,
	"currency" text DEFAULT 'EUR' NOT NULL,
	"direction" text NOT NULL,
	"reversal" boolean DEFAULT false NOT NULL,
	"counterparty_name" text,
	"counterparty_iban" text,
	"structured_ref" text,
	"remittance" text,
	"end_to_end_id" text,
	"status" text NOT NULL,
	"match_rule" text,
	"debtor_id" uuid,
	"payment_id" uuid,
	"suggestions" jsonb,
	"note" text,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bank_statements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"format" text NOT NULL,
	"filename" text,
	"sha256" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"statement_refs" text[] DEFAULT '{}'::text[] NOT NULL,
	"from_date" date,
	"to_date" date,
	"entries" integer DEFAULT 0 NOT NULL,
	"credits" integer DEFAULT 0 NOT NULL,
	"matched" integer DEFAULT 0 NOT NULL,
	"queued" integer DEFAULT 0 NOT NULL,
	"ignored" integer DEFAULT 0 NOT NULL,
	"duplicates" integer DEFAULT 0 NOT NULL,
	"uploaded_by_type" text NOT NULL,
	"uploaded_by_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "debtor_ibans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"debtor_id" uuid NOT NULL,
	"iban" text NOT NULL,
	"learned_from_entry_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transfer_notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"debtor_id" uuid NOT NULL,
	"invoice_ids" uuid[] NOT NULL,
	"transferred_on" date NOT NULL,
	"amount_cents" bigint,
	"pause_until" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'waiting' NOT NULL,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bank_accounts" ADD CONSTRAINT "bank_accounts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_entries" ADD CONSTRAINT "bank_entries_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_entries" ADD CONSTRAINT "bank_entries_statement_id_bank_statements_id_fk" FOREIGN KEY ("statement_id") REFERENCES "public"."bank_statements"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_entries" ADD CONSTRAINT "bank_entries_bank_account_id_bank_accounts_id_fk" FOREIGN KEY ("bank_account_id") REFERENCES "public"."bank_accounts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_entries" ADD CONSTRAINT "bank_entries_debtor_id_debtors_id_fk" FOREIGN KEY ("debtor_id") REFERENCES "public"."debtors"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_entries" ADD CONSTRAINT "bank_entries_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_statements" ADD CONSTRAINT "bank_statements_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "debtor_ibans" ADD CONSTRAINT "debtor_ibans_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "debtor_ibans" ADD CONSTRAINT "debtor_ibans_debtor_id_debtors_id_fk" FOREIGN KEY ("debtor_id") REFERENCES "public"."debtors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "debtor_ibans" ADD CONSTRAINT "debtor_ibans_learned_from_entry_id_bank_entries_id_fk" FOREIGN KEY ("learned_from_entry_id") REFERENCES "public"."bank_entries"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_notices" ADD CONSTRAINT "transfer_notices_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_notices" ADD CONSTRAINT "transfer_notices_debtor_id_debtors_id_fk" FOREIGN KEY ("debtor_id") REFERENCES "public"."debtors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "bank_accounts_org_iban_key" ON "bank_accounts" USING btree ("organization_id","iban");--> statement-breakpoint
CREATE UNIQUE INDEX "bank_entries_dedupe_key" ON "bank_entries" USING btree ("organization_id","bank_account_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "bank_entries_statement_idx" ON "bank_entries" USING btree ("statement_id");--> statement-breakpoint
CREATE INDEX "bank_entries_queue_idx" ON "bank_entries" USING btree ("organization_id","booking_date") WHERE "bank_entries"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "bank_entries_payment_idx" ON "bank_entries" USING btree ("payment_id");--> statement-breakpoint
CREATE INDEX "bank_statements_org_created_idx" ON "bank_statements" USING btree ("organization_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "debtor_ibans_org_iban_debtor_key" ON "debtor_ibans" USING btree ("organization_id","iban","debtor_id");--> statement-breakpoint
CREATE INDEX "debtor_ibans_debtor_idx" ON "debtor_ibans" USING btree ("debtor_id");--> statement-breakpoint
CREATE INDEX "transfer_notices_debtor_idx" ON "transfer_notices" USING btree ("organization_id","debtor_id");--> statement-breakpoint
CREATE INDEX "transfer_notices_waiting_idx" ON "transfer_notices" USING btree ("pause_until") WHERE "transfer_notices"."status" = 'waiting';--> statement-breakpoint
INSERT INTO "bank_accounts" ("organization_id", "iban", "label")
SELECT "id", upper(replace("iban", ' ', '')), 'Hoofdrekening' FROM "organizations" WHERE "iban" IS NOT NULL AND "iban" <> ''
ON CONFLICT DO NOTHING;
