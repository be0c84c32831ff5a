-- The receipt purge (clientele.intake.receipt-retention) finds expired receipts oldest first.
CREATE INDEX intake_receipt_received ON intake_receipt (received_at);
