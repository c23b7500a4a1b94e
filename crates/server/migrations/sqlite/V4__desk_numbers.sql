-- Each desk's number in the organisation (1: the desk that created it),
-- given once at enrolment and kept on re-enrolment. Receipt and invoice
-- numbers carry it (D3 in K2/D3/26-27/0042), so no two desks' series meet.
ALTER TABLE devices ADD COLUMN desk_no INTEGER;
CREATE UNIQUE INDEX devices_desk_no ON devices (desk_no);

-- Receipt numbers are unique across every desk: this proves it.
CREATE UNIQUE INDEX entity_rows_receipt_number ON entity_rows (json_extract(data, '$.number'))
    WHERE entity = 'receipts';

-- And invoice numbers.
CREATE UNIQUE INDEX entity_rows_invoice_number ON entity_rows (json_extract(data, '$.number'))
    WHERE entity = 'invoices';
