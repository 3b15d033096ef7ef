DROP INDEX "disputes_one_open_per_invoice";--> statement-breakpoint
ALTER TABLE "communications" ALTER COLUMN "debtor_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "communications" ADD COLUMN "staff_invitation_id" uuid;--> statement-breakpoint
ALTER TABLE "disputes" ADD COLUMN "kind" text DEFAULT 'dispute' NOT NULL;--> statement-breakpoint
ALTER TABLE "disputes" ADD COLUMN "answer_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "communications" ADD CONSTRAINT "communications_staff_invitation_id_staff_invitations_id_fk" FOREIGN KEY ("staff_invitation_id") REFERENCES "public"."staff_invitations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "communications_staff_invitation_id_idx" ON "communications" USING btree ("staff_invitation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "disputes_one_open_per_invoice_and_kind" ON "disputes" USING btree ("invoice_id","kind") WHERE "disputes"."status" not in ('resolved', 'withdrawn');--> statement-breakpoint
CREATE INDEX "disputes_answer_due_idx" ON "disputes" USING btree ("answer_due_at") WHERE "disputes"."answer_due_at" is not null;--> statement-breakpoint
ALTER TABLE "communications" ADD CONSTRAINT "communications_recipient_known" CHECK ("communications"."debtor_id" is not null or "communications"."staff_invitation_id" is not null);--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_kind_known" CHECK ("disputes"."kind" in ('dispute', 'question'));